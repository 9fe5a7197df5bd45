import assert from "node:assert/strict";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { freePort } from "../testing/free_port.ts";
import { inspectDatabase } from "./fixtures/inspect_database.ts";
import { readStarts } from "./fixtures/tasks.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("the hub killed and restarted mid-run: workers reconnect, the run completes, every task is published once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-restart-" });
  const dbUrl = await testDbUrl(dir);
  const port = freePort();
  const dataDir = `${dir}/data`;
  const first = await spawnHub({ dbUrl, port, leaseTtlMs: 5_000, hubId: "hub-1" });
  const common = { hub: first, entry: "tests/fixtures/worker.ts", dataDir, slots: 3 };
  await using w1 = await spawnWorker({ ...common, name: "w1", stateDir: `${dir}/w1` });
  await using w2 = await spawnWorker({ ...common, name: "w2", stateDir: `${dir}/w2` });

  const submitted = await first.api.request<{ runId: string }>("/api/runs", {
    body: { family: "SleepAll", params: { n: 40, ms: 40 } },
  });
  assert.equal(submitted.status, 201);
  // Kill the hub once some, but not all, tasks are published.
  let published = 0;
  await first.waitFor((l) => l.msg === "task published" && ++published >= 8, 20_000);
  // Listen for the reconnections before they can happen.
  const reconnected = [w1, w2].map((w) => w.next((l) => l.msg === "connected to the hub", 20_000));
  first.kill("SIGKILL");
  const killed = await first.stop();
  assert.equal(killed.signal, "SIGKILL");

  await using second = await spawnHub({ dbUrl, port, leaseTtlMs: 5_000, hubId: "hub-2" });
  assert.equal(second.url, first.url);
  await Promise.all(reconnected);
  const run = await waitForRun(second.api, submitted.body.runId, { timeoutMs: 30_000 });
  assert.equal(run.state, "done");
  assert.equal(run.total, 41);

  await w1.stop();
  await w2.stop();
  await second.stop();
  const db = await inspectDatabase(dbUrl);
  assert.equal(db.states.done, 41);
  for (const [taskId, n] of db.publicationsPerTask) {
    assert.equal(n, 1, `${taskId} published ${n} times`);
  }
  assert.equal(db.publicationsPerTask.size, 41);
  assert.deepEqual(db.violations, []);
  // The restart took far less than the TTL: workers renewed their leases on
  // reconnect, so no task ran twice.
  const starts = await readStarts(dataDir);
  assert.equal(starts.length, 40);
  assert.equal(new Set(starts.map((s) => s.taskId)).size, 40);
  await Deno.remove(dir, { recursive: true });
});
