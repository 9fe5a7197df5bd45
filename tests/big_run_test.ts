/**
 * Big runs: an expansion too big for one frame goes in parts, requirements
 * first, each applied in its own transaction; the run gets every task and
 * the worker never reconnects over it. One that no frame can carry fails
 * its task, naming the cause.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { EXPANSION_PARTS_IN_FLIGHT } from "../worker/delivery.ts";
import { PART_NODES } from "../worker/expansion_parts.ts";

Deno.test("a run of 5,000 leaves expands in 21 parts (250 nodes each, 8 in flight) over one connection", async () => {
  await using c = await startCluster({
    name: "big-run",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "w", slots: 2 }],
  });
  // Paused leaves: only the expansion happens.
  const paused = await c.api.request("/api/pauses/family/Sleep", {
    method: "PUT",
    body: { reason: "expansion only" },
  });
  assert.equal(paused.status, 200);
  const { runId, taskId } = await c.api.submit("SleepAll", { n: 5_000 });
  const run = await pollUntil("the run expanded", async () => {
    const r = await c.api.get<{ total: number; counts: Record<string, number> }>(
      `/api/runs/${runId}`,
    );
    return r.counts.waiting === 1 ? r : undefined;
  }, { timeoutMs: 60_000 });
  assert.equal(run.total, 5_001);
  assert.equal(run.counts.ready, 5_000);
  const root = await c.api.get<{ state: string; attempts: Array<{ outcome: string }> }>(
    `/api/tasks/${taskId}`,
  );
  assert.equal(root.state, "waiting");
  assert.deepEqual(root.attempts.map((a) => a.outcome), ["done"], "one expand attempt");
  const parts = c.hub.lines.filter((l) => l.msg === "part of an expansion applied").length;
  // 5,001 nodes: 20 parts of 250 before the last, which holds the last node
  // (the root); more parts than the worker sends ahead of their answers.
  assert.equal(PART_NODES, 250);
  assert.ok(5_000 / PART_NODES > EXPANSION_PARTS_IN_FLIGHT);
  assert.equal(parts, 5_000 / PART_NODES, "twenty parts before the last");
  const connects = c.hub.lines.filter((l) => l.msg === "worker connected").length;
  assert.equal(connects, 1, "the worker never had to reconnect");
  const cancelled = await c.api.request(`/api/runs/${runId}/cancel`, { method: "POST", body: {} });
  assert.equal(cancelled.status, 200);
});

Deno.test("an expansion too big for any frame fails its task with the cause, instead of looping", async () => {
  await using c = await startCluster({
    name: "huge-expansion",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "w", slots: 1 }],
  });
  const { runId, taskId } = await c.api.submit("HugeParams", { mib: 9 });
  const run = await waitForRun(c.api, runId, { timeoutMs: 60_000 });
  assert.equal(run.state, "failed");
  const root = await c.api.get<{ state: string; lastError: { message: string } }>(
    `/api/tasks/${taskId}`,
  );
  assert.equal(root.state, "failed");
  assert.match(
    root.lastError.message,
    /^The hub refused this task's expand\.result \(frame_too_big\): frame of \d+ bytes is over the limit of 8388608$/,
  );
  const connects = c.hub.lines.filter((l) => l.msg === "worker connected").length;
  assert.equal(connects, 1, "the worker never had to reconnect");
});
