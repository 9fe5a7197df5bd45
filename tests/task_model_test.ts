/**
 * The task model end to end: retries, priorities, resources, dynamic
 * requirements and timeouts, each with a real hub and real worker processes
 * (batching, disabling, cancellation and feedback: `task_model_ops_test.ts`).
 */
import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { openGate, readStarts } from "./fixtures/tasks.ts";
import { cluster, runAttempts } from "./fixtures/task_model_cluster.ts";

Deno.test("a retryable failure is retried with exponential backoff until it succeeds", async () => {
  await using c = await cluster("retry", [{ name: "w", slots: 2 }]);
  const { runId, taskId } = await c.submit("Flaky", { id: "r1", failTimes: 2 });
  assert.equal((await waitForRun(c.api, runId)).state, "done");
  const t = await c.task(taskId);
  const attempts = runAttempts(t);
  assert.deepEqual(attempts.map((a) => a.outcome), ["failed", "failed", "done"]);
  assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3]);
  // Flaky: base 50 ms, doubling; jitter takes at most half. The hub never
  // starts an attempt before its time, so these lower bounds always hold.
  const gap1 = attempts[1]!.startedAt - attempts[0]!.endedAt!;
  const gap2 = attempts[2]!.startedAt - attempts[1]!.endedAt!;
  assert.ok(gap1 >= 25, `first retry waited ${gap1} ms, at least 25 expected`);
  assert.ok(gap2 >= 50, `second retry waited ${gap2} ms, at least 50 expected`);
  assert.equal(t.publication?.kind, "run");
});

Deno.test("a task that keeps failing stops at maxAttempts; a PermanentError stops at once", async () => {
  await using c = await cluster("giveup", [{ name: "w", slots: 2 }]);
  const spent = await c.submit("Flaky", { id: "spent", failTimes: 9 });
  const permanent = await c.submit("Flaky", { id: "perm", failTimes: 9, permanent: true });
  const a = await waitForRun(c.api, spent.runId);
  const b = await waitForRun(c.api, permanent.runId);
  assert.equal(a.state, "failed");
  assert.equal(b.state, "failed");
  assert.equal(runAttempts(await c.task(spent.taskId)).length, 4, "maxAttempts of Flaky is 4");
  const p = await c.task(permanent.taskId);
  // One attempt failed, and none came after it. An attempt before it can only
  // be one whose lease expired (a worker starved on a loaded machine): the
  // hub runs such a task again, and the PermanentError stops that attempt.
  const attempts = runAttempts(p);
  assert.deepEqual(attempts.map((a) => a.outcome).filter((o) => o !== "expired"), ["failed"]);
  assert.equal(attempts.at(-1)?.outcome, "failed");
  assert.equal(p.lastError?.name, "PermanentError");
  assert.equal(p.lastError?.message, `attempt ${attempts.length} failed for good`);
});

Deno.test("a permanent failure fails the run and blocks what depends on it, naming the culprit", async () => {
  await using c = await cluster("blocked", [{ name: "w", slots: 2 }]);
  const { runId, taskId } = await c.submit("Needs", { group: "b", flaky: ["culprit"], sleeps: 2 });
  const run = await waitForRun(c.api, runId) as unknown as {
    state: string;
    failed: Array<{ taskId: string }>;
    blocked: Array<{ taskId: string; blockedBy: string }>;
  };
  assert.equal(run.state, "failed");
  const culprit = run.failed[0]!.taskId;
  assert.match(culprit, /^Flaky_.*_culprit_/);
  assert.deepEqual(run.blocked, [{ taskId, blockedBy: culprit }]);
  assert.equal((await c.task(taskId)).state, "blocked");
});

Deno.test("higher priority runs first, and a run's requirements inherit its priority", async () => {
  await using c = await cluster("priority", [{ name: "w", slots: 1 }]);
  const hold = await c.submit("Gate", { id: "hold" });
  await c.workers[0]!.waitFor((l) => l.msg === "task started" && l.taskId === hold.taskId);
  // The only slot is busy: both runs queue up, the low one first.
  const low = await c.submit("Leaves", { group: "low", n: 3 });
  const high = await c.submit("Leaves", { group: "high", n: 3 }, { priority: 5 });
  await openGate(c.dataDir, "hold");
  assert.equal((await waitForRun(c.api, low.runId)).state, "done");
  assert.equal((await waitForRun(c.api, high.runId)).state, "done");
  const order = (await readStarts(c.dataDir)).map((s) => s.taskId).filter((id) =>
    id.startsWith("Leaf_")
  );
  assert.equal(order.length, 6);
  assert.ok(
    order.slice(0, 3).every((id) => id.startsWith("Leaf_high_")),
    `started in order ${order.join(", ")}`,
  );
  const leaves = await c.tasksOf(high.runId, "Leaf");
  assert.deepEqual(
    leaves.map((t) => t.priority),
    [5, 5, 5],
    "the leaves inherited the run's priority",
  );
});

Deno.test("a resource limit is never exceeded across two workers", async () => {
  // Four slots in all, a limit of three: reaching the limit takes both workers
  // (each has two slots), and passing it would take a fourth lease.
  await using c = await cluster("resources", [{ name: "a", slots: 2 }, { name: "b", slots: 2 }], {
    DROVER_RESOURCES: "db=3",
  });
  const { runId } = await c.submit("UsesDbAll", { n: 9, ms: 300 });
  assert.equal((await waitForRun(c.api, runId, { timeoutMs: 30_000 })).state, "done");
  const intervals: Array<[number, number, string]> = [];
  for (const t of await c.tasksOf(runId, "UsesDb")) {
    for (const a of runAttempts(await c.task(t.id))) {
      intervals.push([a.startedAt, a.endedAt!, a.workerId]);
    }
  }
  assert.equal(intervals.length, 9);
  const events = intervals.flatMap(([s, e]) => [[s, 1], [e, -1]] as const)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, running += delta);
  assert.ok(peak <= 3, `${peak} tasks held "db" at once; the limit is 3`);
  assert.equal(peak, 3, "the limit was reached (so both workers held it at once)");
  const { body } = await c.api.request<{ resources: Array<{ name: string; limit: number }> }>(
    "/api/resources",
  );
  assert.deepEqual(body.resources.find((r) => r.name === "db")?.limit, 3);
});

Deno.test("a dynamic requirement parks the task without holding its slot, then it runs again", async () => {
  // One slot: the requirement can only run if the parked task gave its slot up.
  await using c = await cluster("dynamic", [{ name: "w", slots: 1 }]);
  const { runId, taskId } = await c.submit("Dynamic", { id: 1 });
  assert.equal((await waitForRun(c.api, runId)).state, "done");
  const t = await c.task(taskId);
  assert.deepEqual(runAttempts(t).map((a) => a.outcome), ["parked", "done"]);
  assert.equal(t.dynamicRounds, 1);
  const out = JSON.parse(await readOutput(`${c.dataDir}/dynamic/1.json`));
  assert.equal(out.fromAttempt, 1);
});

Deno.test("a task that keeps asking for new dynamic requirements fails after maxDynamicRounds", async () => {
  await using c = await cluster("greedy", [{ name: "w", slots: 2 }]);
  const { runId, taskId } = await c.submit("Greedy", { id: 1 });
  assert.equal((await waitForRun(c.api, runId, { timeoutMs: 30_000 })).state, "failed");
  const t = await c.task(taskId);
  assert.equal(
    t.lastError?.message,
    `"${taskId}" kept asking for new dynamic requirements: 3 rounds allowed`,
  );
});

Deno.test("a run past its timeout is aborted and counted as a retryable failure", async () => {
  await using c = await cluster("timeout", [{ name: "w", slots: 1 }]);
  const { runId, taskId } = await c.submit("Slow", { id: 1 });
  assert.equal((await waitForRun(c.api, runId)).state, "failed");
  const t = await c.task(taskId);
  const attempts = runAttempts(t);
  assert.equal(attempts.length, 2, "retried once (maxAttempts 2): a timeout is retryable");
  assert.ok(attempts.every((a) => a.error?.name === "TaskTimeoutError"));
  assert.match(attempts[0]!.error!.message, /ran longer than its timeout of 100 ms/);
});
