import assert from "node:assert/strict";
import { fakeRun } from "../fake_answers.ts";
import { inTurn, problem, runAgainst } from "../fake_hub.ts";
import { describeRunRetry } from "./retry.ts";

function status(state: "running" | "done", completed: number, pending: number) {
  return fakeRun({
    rootTaskId: "Agg_1",
    state,
    finishedAt: state === "done" ? 500 : null,
    total: 3 + completed + pending,
    counts: { done: 3 + completed, leased: pending },
    summary: { alreadyDone: 3, completed, failed: 0, blocked: 0, cancelled: 0, pending },
  });
}

const RETRIED = { runId: "run_1", retried: ["Shard_3"], unblocked: 1 };

Deno.test("retry of a run_ id retries the run and says what went back to the queue", async () => {
  const { code, stdout, requests } = await runAgainst(["retry", "run_1"], {
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
  });
  assert.equal(code, 0);
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), ["POST /api/runs/run_1/retry"]);
  assert.equal(stdout, "Retried run run_1: 1 task back in the queue (Shard_3), 1 unblocked\n");
});

Deno.test("retry --wait follows the run with a progress line and ends with the summary", async () => {
  const { code, stdout, stderr } = await runAgainst(["retry", "run_1", "--wait"], {
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
    "GET /api/runs/run_1": inTurn(status("running", 0, 2), status("done", 2, 0)),
  });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^\[######----\] 3\/5 done · 2 running · 0 failed · 0\.0s$/m);
  assert.match(
    stdout,
    /^Run run_1 done in 200ms \(5 tasks\):\n {2}\* 3 already done\n {2}\* 2 completed$/m,
  );
});

Deno.test("retry --wait --json prints only the run's final status", async () => {
  const { stdout } = await runAgainst(["retry", "run_1", "--wait", "--json"], {
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
    "GET /api/runs/run_1": inTurn(status("done", 2, 0)),
  });
  assert.equal(JSON.parse(stdout).state, "done");
});

Deno.test("retry of a task id retries that task", async () => {
  const { code, stdout, requests } = await runAgainst(["retry", "Shard_3"], {
    "POST /api/tasks/Shard_3/retry": inTurn({ taskId: "Shard_3", state: "ready", unblocked: 0 }),
  });
  assert.equal(code, 0);
  assert.equal(requests[0]?.path, "/api/tasks/Shard_3/retry");
  assert.equal(stdout, "Retried task Shard_3: it is ready now\n");
});

Deno.test("retry of a task that cannot be retried exits 4 with the hub's word", async () => {
  const { code, stderr } = await runAgainst(["retry", "Shard_3"], {
    "POST /api/tasks/Shard_3/retry": () =>
      problem(409, "task_not_retryable", 'Task "Shard_3" is done; only failed tasks retry'),
  });
  assert.equal(code, 4);
  assert.equal(
    stderr,
    'error: Task "Shard_3" is done; only failed tasks retry (task_not_retryable)\n',
  );
});

Deno.test("describeRunRetry() lists a few retried tasks and says when nothing was retried", () => {
  assert.equal(
    describeRunRetry({ runId: "run_1", retried: ["A", "B", "C", "D", "E"], unblocked: 0 }),
    "Retried run run_1: 5 tasks back in the queue (A, B, C, and 2 more), 0 unblocked",
  );
  assert.equal(
    describeRunRetry({ runId: "run_1", retried: [], unblocked: 0 }),
    "Nothing to retry in run run_1: no task failed or was cancelled",
  );
});
