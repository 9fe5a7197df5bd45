import assert from "node:assert/strict";
import { fakeTaskDetail } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";
import { formatTask } from "./task.ts";

const at = (seconds: number) => Date.UTC(2026, 10, 23, 9, 0, seconds);

const TASK = fakeTaskDetail({
  id: "Load_2026-11-23_ab",
  state: "done",
  attempt: 2,
  params: { runDate: "2026-11-23" },
  createdAt: at(0),
  startedAt: at(1),
  finishedAt: at(4),
  dependencies: [{ id: "Extract_2026-11-23_cd", state: "done" }],
  dependents: 2,
  attempts: [
    {
      kind: "run",
      epoch: 1,
      attempt: 1,
      workerId: "w_1",
      workerName: "edge-1",
      workerLabels: {},
      region: null,
      startedAt: at(1),
      endedAt: at(2),
      outcome: "failed",
      error: { name: "RangeError", message: "boom", retryable: true },
    },
    {
      kind: "run",
      epoch: 2,
      attempt: 2,
      workerId: "w_2",
      workerName: null,
      workerLabels: null,
      region: null,
      startedAt: at(3),
      endedAt: null,
      outcome: null,
      error: null,
    },
  ],
  publication: { key: "k", epoch: 2, workerId: "w_2", kind: "run", createdAt: at(4) },
});

Deno.test("formatTask() shows a task's fields, dependencies, attempts and publication", () => {
  assert.equal(
    formatTask(TASK, at(5)),
    [
      "Task        Load_2026-11-23_ab",
      "Family      Load v1",
      'Params      {"runDate":"2026-11-23"}',
      "State       done",
      "Attempt     2/3",
      "Created     2026-11-23 09:00:00Z",
      "Started     2026-11-23 09:00:01Z",
      "Finished    2026-11-23 09:00:04Z",
      "Dependents  2",
      "Published   2026-11-23 09:00:04Z by w_2 (run, epoch 2)",
      "",
      "DEPENDENCY             STATE",
      "Extract_2026-11-23_cd  done",
      "",
      "EPOCH  ATTEMPT  KIND  WORKER  STARTED               TOOK  OUTCOME  ERROR",
      "1      1        run   edge-1  2026-11-23 09:00:01Z  1.0s  failed   RangeError: boom",
      "2      2        run   w_2     2026-11-23 09:00:03Z",
    ].join("\n"),
  );
});

Deno.test("formatTask() shows a ready task's lease-free wait for its next attempt", () => {
  const waiting = fakeTaskDetail({ attempt: 1, nextAttemptAt: at(30), status: "extracting" });
  const text = formatTask(waiting, at(0));
  assert.match(text, /^Attempt +1\/3 \(next attempt in 30\.0s\)$/m);
  assert.match(text, /^Status +extracting$/m);
  assert.match(text, /^Dependencies: none\n\nAttempts: none$/m);
});

Deno.test("task --json prints the task as the hub sent it", async () => {
  const { code, stdout } = await runAgainst(["task", TASK.id, "--json"], {
    [`GET /api/tasks/${TASK.id}`]: inTurn(TASK),
  });
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), TASK);
});
