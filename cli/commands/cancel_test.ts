import assert from "node:assert/strict";
import { fakeRun, fakeTaskDetail } from "../fake_answers.ts";
import { inTurn, lookupRoutes, runAgainst } from "../fake_hub.ts";

/** A task of a family named `run`: its id starts with run_ like a run's. */
const RUN_TASK = "run_2026-11-23_ab12";

Deno.test("cancel of an id the hub knows as a run cancels the run's unfinished tasks, with the reason", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["cancel", "run_1", "--reason", "wrong day"],
    {
      ...lookupRoutes("run_1", { run: fakeRun({ state: "running" }) }),
      "POST /api/runs/run_1/cancel": inTurn({ runId: "run_1", cancelled: 7 }),
    },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), [
    "GET /api/runs/run_1",
    "GET /api/tasks/run_1",
    "POST /api/runs/run_1/cancel",
  ]);
  assert.deepEqual(requests.at(-1)?.body, { reason: "wrong day" });
  assert.equal(stdout, "Cancelled run run_1: 7 unfinished tasks cancelled\n");
});

Deno.test("cancel of a task whose id starts with run_ cancels that task; --json prints the answer", async () => {
  const { code, stdout, requests } = await runAgainst(["cancel", RUN_TASK, "--json"], {
    ...lookupRoutes(RUN_TASK, { task: fakeTaskDetail({ id: RUN_TASK }) }),
    [`POST /api/tasks/${RUN_TASK}/cancel`]: inTurn({ taskId: RUN_TASK, state: "cancelled" }),
  });
  assert.equal(code, 0);
  assert.equal(requests.at(-1)?.path, `/api/tasks/${RUN_TASK}/cancel`);
  assert.deepEqual(requests.at(-1)?.body, {});
  assert.deepEqual(JSON.parse(stdout), { taskId: RUN_TASK, state: "cancelled" });
});

Deno.test("cancel --task and --run act at once, without asking what the id names", async () => {
  const task = await runAgainst(["cancel", "Shard_3", "--task"], {
    "POST /api/tasks/Shard_3/cancel": inTurn({ taskId: "Shard_3", state: "cancelled" }),
  });
  assert.equal(task.code, 0);
  assert.equal(task.requests.length, 1);
  assert.equal(task.stdout, "Cancelled task Shard_3: it is cancelled now\n");
  const run = await runAgainst(["cancel", "run_1", "--run"], {
    "POST /api/runs/run_1/cancel": inTurn({ runId: "run_1", cancelled: 0 }),
  });
  assert.equal(run.requests.length, 1);
  assert.equal(run.stdout, "Nothing to cancel in run run_1: every task of it has finished\n");
});

Deno.test("cancel of an id that names both or nothing cancels nothing", async () => {
  const both = await runAgainst(["cancel", RUN_TASK], {
    ...lookupRoutes(RUN_TASK, {
      run: fakeRun({ runId: RUN_TASK }),
      task: fakeTaskDetail({ id: RUN_TASK }),
    }),
  });
  assert.equal(both.code, 2);
  assert.equal(
    both.stderr,
    `error: "${RUN_TASK}" names both a run and a task: say which, with ` +
      `"drover cancel ${RUN_TASK} --run" or --task\n`,
  );
  const neither = await runAgainst(["cancel", "Nope_1"], lookupRoutes("Nope_1", {}));
  assert.equal(neither.code, 4);
  assert.equal(neither.stderr, 'error: Task "Nope_1" does not exist (task_not_found)\n');
  for (const { requests } of [both, neither]) {
    assert.ok(requests.every((r) => r.method === "GET"));
  }
});
