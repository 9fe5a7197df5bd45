import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { inspectDatabase } from "./fixtures/inspect_database.ts";
import { readStarts } from "./fixtures/tasks.ts";
import { testDbUrl } from "../testing/postgres.ts";

const TTL_MS = 1_000;

Deno.test("a worker killed with SIGKILL mid-task: the task is leased again after the TTL and published once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-kill-" });
  const dbUrl = await testDbUrl(dir);
  const dataDir = `${dir}/data`;
  await using hub = await spawnHub({ dbUrl, leaseTtlMs: TTL_MS });
  const common = { hub, entry: "tests/fixtures/worker.ts", dataDir, slots: 1 };
  await using doomed = await spawnWorker({ ...common, name: "doomed", stateDir: `${dir}/a` });

  // The first attempt hangs for a minute; a retry finishes at once.
  const submitted = await hub.api.request<{ runId: string; taskId: string }>("/api/runs", {
    body: { family: "Sleep", params: { id: 1, firstAttemptMs: 60_000 } },
  });
  assert.equal(submitted.status, 201);
  const taskId = submitted.body.taskId;
  await doomed.waitFor((l) => l.msg === "task started" && l.taskId === taskId);

  await using survivor = await spawnWorker({ ...common, name: "survivor", stateDir: `${dir}/b` });
  doomed.kill("SIGKILL");
  await doomed.stop();

  await hub.waitFor((l) => l.msg === "lease expired" && l.taskId === taskId, 10_000);
  const run = await waitForRun(hub.api, submitted.body.runId, { timeoutMs: 20_000 });
  assert.equal(run.state, "done");

  const task = await hub.api.request<
    { attempt: number; attempts: Array<{ outcome: string; epoch: number }> }
  >(`/api/tasks/${taskId}`);
  const runs = task.body.attempts.filter((a) => a.outcome !== null);
  assert.deepEqual(runs.map((a) => a.outcome).slice(-2), ["expired", "done"]);
  assert.equal(task.body.attempt, 2);
  const starts = (await readStarts(dataDir)).filter((s) => s.taskId === taskId);
  assert.deepEqual(starts.map((s) => s.attempt), [1, 2], "ran twice (at least once)…");
  const output = JSON.parse(await readOutput(`${dataDir}/sleep/g/1.json`));
  assert.equal(output.attempt, 2);
  assert.equal(output.pid, survivor.pid);

  await survivor.stop();
  await hub.stop();
  const db = await inspectDatabase(dbUrl);
  assert.equal(db.publicationsPerTask.get(taskId), 1, "…and was published exactly once");
  assert.deepEqual(db.violations, []);
  await Deno.remove(dir, { recursive: true });
});
