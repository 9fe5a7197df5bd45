import assert from "node:assert/strict";
import { fakeRun, fakeTaskDetail } from "../fake_answers.ts";
import { inTurn, lookupRoutes, problem, runAgainst } from "../fake_hub.ts";
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

/** A task of a family named `run`: its id starts with run_ like a run's. */
const RUN_TASK = "run_2026-11-23_ab12";

const paths = (requests: { method: string; path: string }[]) =>
  requests.map((r) => `${r.method} ${r.path}`);

Deno.test("retry of an id the hub knows as a run retries the run and says what went back", async () => {
  const { code, stdout, requests } = await runAgainst(["retry", "run_1"], {
    ...lookupRoutes("run_1", { run: status("done", 0, 0) }),
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
  });
  assert.equal(code, 0);
  assert.deepEqual(paths(requests), [
    "GET /api/runs/run_1",
    "GET /api/tasks/run_1",
    "POST /api/runs/run_1/retry",
  ]);
  assert.equal(stdout, "Retried run run_1: 1 task back in the queue (Shard_3), 1 unblocked\n");
});

Deno.test("retry of a task whose id starts with run_ retries that task, not a run", async () => {
  const { code, stdout, requests } = await runAgainst(["retry", RUN_TASK], {
    ...lookupRoutes(RUN_TASK, { task: fakeTaskDetail({ id: RUN_TASK, state: "failed" }) }),
    [`POST /api/tasks/${RUN_TASK}/retry`]: inTurn({
      taskId: RUN_TASK,
      state: "ready",
      unblocked: 0,
    }),
  });
  assert.equal(code, 0);
  assert.equal(requests.at(-1)?.path, `/api/tasks/${RUN_TASK}/retry`);
  assert.equal(stdout, `Retried task ${RUN_TASK}: it is ready now\n`);
});

Deno.test("retry --run and --task act at once, without asking what the id names", async () => {
  const run = await runAgainst(["retry", "run_1", "--run"], {
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
  });
  assert.equal(run.code, 0);
  assert.deepEqual(paths(run.requests), ["POST /api/runs/run_1/retry"]);
  const task = await runAgainst(["retry", RUN_TASK, "--task", "--json"], {
    [`POST /api/tasks/${RUN_TASK}/retry`]: inTurn({
      taskId: RUN_TASK,
      state: "ready",
      unblocked: 2,
    }),
  });
  assert.equal(task.code, 0);
  assert.deepEqual(paths(task.requests), [`POST /api/tasks/${RUN_TASK}/retry`]);
  assert.deepEqual(JSON.parse(task.stdout), { taskId: RUN_TASK, state: "ready", unblocked: 2 });
});

Deno.test("retry of an id that names both a run and a task exits 2 asking for --run or --task", async () => {
  const { code, stdout, stderr, requests } = await runAgainst(["retry", RUN_TASK], {
    ...lookupRoutes(RUN_TASK, {
      run: fakeRun({ runId: RUN_TASK }),
      task: fakeTaskDetail({ id: RUN_TASK }),
    }),
  });
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(
    stderr,
    `error: "${RUN_TASK}" names both a run and a task: say which, with ` +
      `"drover retry ${RUN_TASK} --run" or --task\n`,
  );
  assert.ok(requests.every((r) => r.method === "GET"), "nothing was retried");
});

Deno.test("retry of an id that names nothing exits 4 with the hub's word for the task", async () => {
  const { code, stderr, requests } = await runAgainst(["retry", "run_missing"], {
    ...lookupRoutes("run_missing", {}),
  });
  assert.equal(code, 4);
  assert.equal(stderr, 'error: Task "run_missing" does not exist (task_not_found)\n');
  assert.ok(requests.every((r) => r.method === "GET"));
});

Deno.test("retry --wait of an id the hub knows as a task exits 2: only a run can be followed", async () => {
  const { code, stderr, requests } = await runAgainst(["retry", RUN_TASK, "--wait"], {
    ...lookupRoutes(RUN_TASK, { task: fakeTaskDetail({ id: RUN_TASK, state: "failed" }) }),
  });
  assert.equal(code, 2);
  assert.equal(stderr, `error: Option "--wait" follows a run; "${RUN_TASK}" is a task\n`);
  assert.ok(requests.every((r) => r.method === "GET"));
});

Deno.test("retry --wait follows the run with a progress line and ends with the summary", async () => {
  const { code, stdout, stderr } = await runAgainst(["retry", "run_1", "--wait"], {
    ...lookupRoutes("run_1", {}),
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
    // The first answer tells retry that run_1 is a run; the others are its polls.
    "GET /api/runs/run_1": inTurn(
      status("done", 0, 0),
      status("running", 0, 2),
      status("done", 2, 0),
    ),
  });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^\[######----\] 3\/5 done · 2 running · 0 failed · 0\.0s$/m);
  assert.match(
    stdout,
    // From the run's createdAt (0) to its finishedAt (500), as status says.
    /^Run run_1 done in 500ms \(5 tasks\):\n {2}\* 3 already done\n {2}\* 2 completed$/m,
  );
});

Deno.test("retry --wait --json prints only the run's final status", async () => {
  const { stdout } = await runAgainst(["retry", "run_1", "--run", "--wait", "--json"], {
    "POST /api/runs/run_1/retry": inTurn(RETRIED),
    "GET /api/runs/run_1": inTurn(status("done", 2, 0)),
  });
  assert.equal(JSON.parse(stdout).state, "done");
});

Deno.test("retry of a task that cannot be retried exits 4 with the hub's word", async () => {
  const { code, stderr } = await runAgainst(["retry", "Shard_3", "--task"], {
    "POST /api/tasks/Shard_3/retry": () =>
      problem(409, "task_not_retryable", 'Task "Shard_3" is done; only failed tasks retry'),
  });
  assert.equal(code, 4);
  assert.equal(
    stderr,
    'error: Task "Shard_3" is done; only failed tasks retry (task_not_retryable)\n',
  );
});

Deno.test("retry that the token may not look up exits 5 without retrying", async () => {
  const { code, stderr, requests } = await runAgainst(["retry", "run_1"], {
    "GET /api/runs/run_1": () => problem(403, "forbidden", "role worker may not; allowed: viewer"),
    "GET /api/tasks/run_1": () => problem(403, "forbidden", "role worker may not; allowed: viewer"),
  });
  assert.equal(code, 5);
  assert.match(stderr, /^error: the hub does not let the token .*\(403 forbidden\)/);
  assert.ok(requests.every((r) => r.method === "GET"));
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
