/**
 * The hub loses its PostgreSQL database for a while (a proxy between them
 * cuts every connection and refuses new ones): `/readyz` answers 503, writes
 * wait, the worker's socket stays open, and when the database is back the
 * run completes with every task published once and nothing acknowledged lost.
 */
import assert from "node:assert/strict";
import { checkInvariantsAt } from "../hub/db/check_invariants.ts";
import { ChaosProxy } from "../scripts/chaos/chaos_proxy.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { startPostgres } from "../testing/postgres.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";

const TASKS = 30;

Deno.test("the database away for a while: /readyz 503, writes wait, the worker stays connected, nothing is lost", async () => {
  await using pg = await startPostgres({ name: "outage" });
  const proxy = new ChaosProxy(pg.port);
  const dir = await Deno.makeTempDir({ prefix: "drover-pg-outage-" });
  try {
    const dbUrl = pg.url.replace(`:${pg.port}/`, `:${proxy.port}/`);
    await using hub = await spawnHub({ dbUrl, leaseTtlMs: 20_000 });
    await using worker = await spawnWorker({
      hub,
      name: "w1",
      entry: "tests/fixtures/worker.ts",
      dataDir: `${dir}/data`,
      stateDir: `${dir}/w1`,
      slots: 3,
    });
    const { runId } = await hub.api.submit("SleepAll", { n: TASKS, ms: 100 });
    const published = () => hub.lines.filter((l) => l.msg === "task published").length;
    await pollUntil("five completions", () => published() >= 5 || undefined);
    assert.equal((await hub.api.request("/readyz")).status, 200);

    const cut = proxy.cut(4_000);
    const notReady = await pollUntil("/readyz to answer 503", async () => {
      const { status, body } = await hub.api.request<{ code?: string }>("/readyz");
      return status === 503 ? body : undefined;
    }, { timeoutMs: 3_500 });
    assert.equal(notReady.code, "database_unavailable");
    assert.equal((await hub.api.request("/healthz")).status, 200, "alive all the same");
    await cut;

    const run = await waitForRun(hub.api, runId, { timeoutMs: 60_000 });
    assert.equal(run.state, "done");
    assert.equal(run.total, TASKS + 1);
    assert.equal((await hub.api.request("/readyz")).status, 200);
    assert.ok(
      hub.lines.some((l) => l.msg === "database unavailable: writes wait for it"),
      "the hub said it waited",
    );
    // The worker never lost its hub: one connection from start to end.
    assert.deepEqual(
      worker.lines.filter((l) => /reconnecting|could not connect/.test(String(l.msg))),
      [],
    );
    await worker.stop();
    await hub.stop();
    assert.deepEqual(await checkInvariantsAt(pg.url), []);
  } finally {
    await proxy.close();
    await removeTree(dir);
  }
});
