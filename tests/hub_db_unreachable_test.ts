/**
 * A hub whose PostgreSQL database cannot be reached tries again with backoff
 * for `DROVER_DB_CONNECT_TIMEOUT_MS`, saying so, then stops with one line
 * naming the database (password hidden) and why, and exit code 2.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

Deno.test("hub/main.ts with an unreachable PostgreSQL: tries again, then one line and exit 2", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close(); // nothing listens there now
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("hub/main.ts", ROOT).pathname],
    env: {
      DROVER_HOST: "127.0.0.1",
      DROVER_PORT: "0",
      DROVER_DB_URL: `postgres://drover:secret@127.0.0.1:${port}/drover`,
      DROVER_DB_CONNECT_TIMEOUT_MS: "1500",
      DROVER_LOG_LEVEL: "warn",
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stderr).trimEnd().split("\n");
  assert.equal(out.code, 2, lines.join("\n"));
  const retries = lines.slice(0, -1).map((l) => JSON.parse(l));
  assert.ok(retries.length >= 1, "at least one try again");
  for (const r of retries) {
    assert.equal(r.msg, "database unreachable: trying again");
    assert.equal(r.db, `postgres://***@127.0.0.1:${port}/drover`);
  }
  assert.match(
    lines.at(-1)!,
    new RegExp(
      `^Cannot open the database at postgres://\\*\\*\\*@127\\.0\\.0\\.1:${port}/drover: ` +
        `No primary among the database hosts \\(127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`,
    ),
  );
  assert.ok(!lines.join("\n").includes("secret"), "the password is not shown");
});
