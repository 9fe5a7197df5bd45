/**
 * The task model end to end, continued: batching, disabling, cancellation,
 * feedback, named outputs and external data, each with a real hub and real
 * worker processes.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { readOutput } from "../testing/read_output.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { openGate, readStarts } from "./fixtures/tasks.ts";
import { cluster, runAttempts } from "./fixtures/task_model_cluster.ts";

Deno.test("ready tasks of a batchable family run as one batch and each member is published", async () => {
  await using c = await cluster("batch", [{ name: "w", slots: 1 }]);
  const days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"];
  const { runId } = await c.submit("BatchAll", { days, region: "eu" });
  assert.equal((await waitForRun(c.api, runId)).state, "done");
  const batches = (await readOutput(`${c.dataDir}/batches.log`)).trim().split("\n").map((
    l,
  ) => JSON.parse(l));
  assert.deepEqual(
    batches.map((b: string[]) => [...b].sort()),
    [days],
    "one batch of all five days",
  );
  const members = await c.tasksOf(runId, "BatchDay");
  assert.equal(members.length, 5);
  for (const m of members) {
    const t = await c.task(m.id);
    assert.equal(t.state, "done");
    assert.equal(t.publication?.kind, "run", `${m.id} has its own publication`);
  }
  const out = JSON.parse(await readOutput(`${c.dataDir}/batch/eu/2026-11-03.json`));
  assert.equal(out.batch, 5);
});

Deno.test("a family failing too often is disabled, visibly, until re-enabled", async () => {
  await using c = await cluster("disable", [{ name: "w", slots: 2 }]);
  for (const id of [1, 2, 3]) {
    const { runId } = await c.submit("AlwaysFails", { id });
    assert.equal((await waitForRun(c.api, runId)).state, "failed");
  }
  const family =
    (await c.api.request<{ disabledUntil: number | null }>("/api/families/AlwaysFails")).body;
  assert.ok(
    family.disabledUntil && family.disabledUntil > Date.now(),
    "disabled after the third failure",
  );
  const fourth = await c.submit("AlwaysFails", { id: 4 });
  // A task of another family the same worker runs, submitted after it, is done:
  // claims take the oldest first, so had the fourth been claimable it would
  // have been granted (expanded, run) first.
  const later = await c.submit("Sleep", { group: "after-disabled", id: 1 });
  assert.equal((await waitForRun(c.api, later.runId)).state, "done");
  const waiting = await c.task(fourth.taskId);
  assert.equal(waiting.state, "ready");
  assert.ok(waiting.disabledUntil, "the task API says why it waits");
  assert.match(
    waiting.unschedulable ?? "",
    /^family AlwaysFails version 1 is disabled after repeated failures until /,
  );
  assert.deepEqual(waiting.attempts, [], "no lease of any kind was granted");
  assert.equal((await readStarts(c.dataDir)).filter((s) => s.taskId === fourth.taskId).length, 0);
  const enabled = await c.api.request("/api/families/AlwaysFails/enable", {
    method: "POST",
    body: {},
  });
  assert.equal(enabled.status, 200);
  assert.equal(
    (await waitForRun(c.api, fourth.runId)).state,
    "failed",
    "it ran (and failed) once enabled",
  );
});

Deno.test("cancelling a run aborts the task's signal on the worker and ends it cancelled", async () => {
  await using c = await cluster("cancel", [{ name: "w", slots: 1 }]);
  const { runId, taskId } = await c.submit("Gate", { id: "never" });
  await c.workers[0]!.waitFor((l) => l.msg === "task started" && l.taskId === taskId);
  const res = await c.api.request<{ cancelled: number }>(`/api/runs/${runId}/cancel`, {
    method: "POST",
    body: { reason: "not needed" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.cancelled, 1);
  await c.workers[0]!.waitFor((l) => l.msg === "lease revoked" && l.taskId === taskId);
  await c.workers[0]!.waitFor((l) =>
    l.msg === "attempt abandoned: lease lost" && l.taskId === taskId
  );
  assert.equal((await waitForRun(c.api, runId)).state, "cancelled");
  const t = await c.task(taskId);
  assert.equal(t.state, "cancelled");
  assert.equal(t.publication, null);
  assert.equal(runAttempts(t)[0]!.outcome, "cancelled");
  const leftovers = [...Deno.readDirSync(`${c.dataDir}`)].map((e) => e.name);
  assert.ok(!leftovers.includes("gate-out"), "nothing was written");
});

Deno.test("setStatus and progress from a running task are visible through the task API", async () => {
  await using c = await cluster("feedback", [{ name: "w", slots: 1 }]);
  const { runId, taskId } = await c.submit("Gate", { id: "fb", status: "halfway" });
  const seen = await pollUntil("status and progress", async () => {
    const t = await c.task(taskId);
    return t.status === "halfway" && t.progress === 0.5 ? t : undefined;
  }, { timeoutMs: 15_000 });
  assert.equal(seen.state, "leased");
  await openGate(c.dataDir, "fb");
  assert.equal((await waitForRun(c.api, runId)).state, "done");
});

Deno.test("a task with several named outputs publishes them all at once", async () => {
  await using c = await cluster("named", [{ name: "w", slots: 1 }]);
  const { runId } = await c.submit("TwoOutputs", { id: 7 });
  assert.equal((await waitForRun(c.api, runId)).state, "done");
  assert.equal(await readOutput(`${c.dataDir}/two/7.jsonl`), '{"id":7}\n');
  assert.deepEqual(JSON.parse(await readOutput(`${c.dataDir}/two/7.meta.json`)), {
    rows: 1,
  });
  const again = await c.submit("TwoOutputs", { id: 7 });
  assert.equal(
    (await waitForRun(c.api, again.runId)).state,
    "done",
    "complete: both outputs exist",
  );
});

Deno.test("external data that does not appear by its deadline fails the task and blocks what needs it", async () => {
  await using c = await cluster("external-deadline", [{ name: "w", slots: 1 }]);
  const { runId, taskId } = await c.submit("NeedsExternal", { name: "x" });
  const run = await waitForRun(c.api, runId) as unknown as {
    state: string;
    failed: Array<{ taskId: string; error: { name: string; message: string } }>;
    blocked: Array<{ taskId: string; blockedBy: string }>;
  };
  assert.equal(run.state, "failed");
  const [missing] = run.failed;
  assert.match(missing!.taskId, /^NeverArrives_x_/);
  assert.equal(missing!.error.name, "ExternalDataMissingError");
  const checks = Number(
    /did not appear by .* \(checked (\d+) times\)/.exec(missing!.error.message)?.[1],
  );
  // The first check is part of NeedsExternal's expansion, before the deadline
  // by construction; however slow the machine, at least one more follows.
  assert.ok(checks >= 2, `it was checked more than once before giving up: ${checks}`);
  assert.deepEqual(run.blocked, [{ taskId, blockedBy: missing!.taskId }]);
  const external = await c.task(missing!.taskId);
  assert.equal(external.attempts.length, checks - 1, "every later check is its own expand lease");
  assert.equal(
    external.attempts.filter((a) => a.kind === "run").length,
    0,
    "an external task never runs",
  );
});
