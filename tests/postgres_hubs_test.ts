/**
 * Two hubs share one PostgreSQL database (on loopback here): workers list
 * both; one hub is killed mid-run and the run completes through the other,
 * every task published once, and the invariant checker finds nothing wrong.
 */
import assert from "node:assert/strict";
import { checkInvariantsAt } from "../hub/db/check_invariants.ts";
import { generateToken } from "../shared/token_format.ts";
import { startPostgres } from "../testing/postgres.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnCrossedWorkers } from "./fixtures/crossed_workers.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { readStarts } from "./fixtures/tasks.ts";

Deno.test("two hubs on one PostgreSQL database: one killed mid-run, the run completes, every task published once", async () => {
  await using pg = await startPostgres({ name: "hubs" });
  const dir = await Deno.makeTempDir({ prefix: "drover-pg-hubs-" });
  try {
    const adminToken = generateToken().token;
    const hub = (hubId: string) =>
      spawnHub({ dbUrl: pg.url, hubId, adminToken, leaseTtlMs: 5_000 });
    // The first migrates; the second finds the schema built.
    const a = await hub("hub-a");
    await using b = await hub("hub-b");
    // Tokens minted through b, the hub that stays.
    await using workers = await spawnCrossedWorkers(a, b, dir, { hub: b });
    const { w1, w2 } = workers;

    const { runId } = await b.api.submit("SleepAll", { n: 40, ms: 40 });
    let published = 0;
    await a.waitFor((l) => l.msg === "task published" && ++published >= 4, 20_000);
    const moved = w1.next((l) => l.msg === "connected to the hub" && l.hubUrl === b.url, 20_000);
    a.kill("SIGKILL");
    assert.equal((await a.stop()).signal, "SIGKILL");
    await moved;

    const run = await waitForRun(b.api, runId, { timeoutMs: 60_000 });
    assert.equal(run.state, "done");
    assert.equal(run.total, 41);
    await w1.stop();
    await w2.stop();
    await b.stop();

    assert.deepEqual(await checkInvariantsAt(pg.url), []);
    // Each of the 40 sleeps was started at least once; those of the killed hub's
    // worker may have run again, but every task was published exactly once (above).
    const starts = await readStarts(`${dir}/data`);
    assert.equal(new Set(starts.map((s) => s.taskId)).size, 40);
  } finally {
    await removeTree(dir);
  }
});
