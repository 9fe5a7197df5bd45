/**
 * A hub whose port is taken says so in one line naming the port and the
 * variable to change, and exits 2, whether started as `deno task hub`
 * (hub/main.ts) or `deno task start` (scripts/start.ts); no token is made.
 */
import assert from "node:assert/strict";
import { readDatabase } from "../testing/read_database.ts";

const ROOT = new URL("../", import.meta.url);

for (const entry of ["hub/main.ts", "scripts/start.ts"]) {
  Deno.test(`${entry} on a taken port: one line naming DROVER_PORT, exit 2`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "drover-port-" });
    using held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (held.addr as Deno.NetAddr).port;
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL(entry, ROOT).pathname],
        cwd: dir,
        env: {
          DROVER_HOST: "127.0.0.1",
          DROVER_PORT: String(port),
          DROVER_DB_URL: `file:${dir}/hub.db`,
          DROVER_LOG_LEVEL: "error",
          NO_COLOR: "1",
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 2, stderr);
      assert.deepEqual(stderr.trimEnd().split("\n"), [
        `Cannot listen on 127.0.0.1:${port}: the port is in use. Set DROVER_PORT to a free ` +
        `port (0 picks one), or stop what holds it.`,
      ]);
      const tokens = await readDatabase(
        `file:${dir}/hub.db`,
        (query) => query("SELECT count(*) AS n FROM tokens"),
      );
      assert.equal(Number(tokens[0]!.n), 0, "no admin token was made for a hub that did not start");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
