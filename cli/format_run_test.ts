import assert from "node:assert/strict";
import type { RunStatus } from "../shared/api_schemas.ts";
import { fakeRun } from "./fake_answers.ts";
import { describeRunFailure, formatCounts } from "./format_run.ts";

function failedRun(ids: string[], failedCount = ids.length): RunStatus {
  return fakeRun({
    state: "failed",
    total: failedCount + 2,
    counts: { done: 1, waiting: 1, failed: failedCount },
    failed: ids.map((taskId) => ({
      taskId,
      error: { name: "RangeError", message: `${taskId} broke`, retryable: true },
    })),
    summary: {
      alreadyDone: 0,
      completed: 1,
      failed: failedCount,
      blocked: 0,
      cancelled: 0,
      pending: 1,
    },
  });
}

Deno.test("formatCounts() lists non-zero counts in pipeline order", () => {
  assert.equal(
    formatCounts({ failed: 1, waiting: 0, done: 3, leased: 2 }),
    "3 done, 2 leased, 1 failed",
  );
  assert.equal(formatCounts({}), "no tasks");
});

Deno.test("describeRunFailure() names one failed task with its error, or the first three", () => {
  assert.equal(
    describeRunFailure(failedRun(["S_1"])),
    "Run run_1 failed: task S_1 failed (RangeError: S_1 broke)",
  );
  assert.equal(
    describeRunFailure(failedRun(["S_1", "S_2", "S_3", "S_4"], 30)),
    "Run run_1 failed: 30 tasks failed: S_1, S_2, S_3 and 27 more",
  );
});
