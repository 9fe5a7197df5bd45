/**
 * A worker the hub refuses for good (no token, an unknown token, labels
 * outside its token's scope) says what is wrong in one line and exits 2,
 * instead of reconnecting forever; the systemd unit does not restart on 2.
 */
import assert from "node:assert/strict";
import { runWorkerToExit } from "./fixtures/run_worker_to_exit.ts";
import { createWorkerToken } from "../testing/create_worker_token.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("a worker refused for good says why in one line and exits 2", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-refused-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    const base = { DROVER_HUB_URL: hub.url, DROVER_WORKER_STATE_DIR: `${dir}/w` };

    await t.step("without a token", async () => {
      const { code, lines } = await runWorkerToExit(base);
      assert.equal(code, 2);
      assert.equal(
        lines.at(-1),
        `The hub at ${hub.url} refused this worker: a worker token is required (Authorization: ` +
          "Bearer drv_…); set DROVER_WORKER_TOKEN to a worker token (drover token create " +
          "--role worker prints one)",
      );
      assert.equal(lines.filter((l) => !l.startsWith("{")).length, 1, "one plain line");
    });

    await t.step("with a token the hub does not know", async () => {
      const stranger = "drv_tok_000000000000_" + "A".repeat(43);
      const { code, lines } = await runWorkerToExit({ ...base, DROVER_WORKER_TOKEN: stranger });
      assert.equal(code, 2);
      assert.match(lines.at(-1)!, /refused this worker: the worker token is unknown or revoked; /);
    });

    await t.step("with labels outside the token's scope", async () => {
      const token = await createWorkerToken(hub.api, { scope: { region: "eu-west" }, name: "eu" });
      const { code, lines } = await runWorkerToExit({
        ...base,
        DROVER_WORKER_TOKEN: token,
        DROVER_WORKER_LABELS: "region=us-east",
      });
      assert.equal(code, 2);
      assert.match(
        lines.at(-1)!,
        /refused this worker: Refused: the worker token's scope region=eu-west does not allow labels region=us-east; set DROVER_WORKER_LABELS/,
      );
    });
  } finally {
    await removeTree(dir);
  }
});
