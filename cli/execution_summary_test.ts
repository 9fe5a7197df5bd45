import assert from "node:assert/strict";
import type { RunStatus } from "../shared/api_schemas.ts";
import { fakeRun } from "./fake_answers.ts";
import { formatExecutionSummary } from "../shared/execution_summary.ts";

function run(overrides: Partial<RunStatus>): RunStatus {
  return fakeRun({ runId: "run_ab", ...overrides });
}

const error = (message: string) => ({ name: "RangeError", message, retryable: false });

Deno.test("formatExecutionSummary() tells a failed run's story, zero lines left out", () => {
  const failed = run({
    state: "failed",
    total: 12,
    counts: { done: 9, failed: 1, blocked: 2 },
    failed: [{ taskId: "Shard_3", error: error("shard 3 is out of range") }],
    blocked: [{ taskId: "Agg_1", blockedBy: "Shard_3" }, { taskId: "X_1", blockedBy: "Shard_3" }],
    summary: { alreadyDone: 4, completed: 5, failed: 1, blocked: 2, cancelled: 0, pending: 0 },
  });
  assert.equal(
    formatExecutionSummary(failed, 3200),
    [
      "===== Drover execution summary =====",
      "Run run_ab failed after 3.2s (12 tasks):",
      "  * 4 already done",
      "  * 5 completed",
      "  * 1 failed: Shard_3 (RangeError: shard 3 is out of range)",
      "  * 2 blocked by an upstream failure (Shard_3)",
      "This run failed: 1 task failed, 2 blocked.",
      "====================================",
    ].join("\n"),
  );
});

Deno.test("formatExecutionSummary() lists several failed tasks, then how to see the rest", () => {
  const ids = ["S_1", "S_22", "S_3", "S_4", "S_5", "S_6"];
  const failed = run({
    state: "failed",
    total: 9,
    failed: ids.map((taskId) => ({ taskId, error: error(`${taskId} broke`) })),
    summary: { alreadyDone: 0, completed: 2, failed: 7, blocked: 0, cancelled: 0, pending: 0 },
  });
  const lines = formatExecutionSummary(failed, 100).split("\n");
  assert.deepEqual(lines.slice(2, 10), [
    "  * 2 completed",
    "  * 7 failed:",
    "      S_1   RangeError: S_1 broke",
    "      S_22  RangeError: S_22 broke",
    "      S_3   RangeError: S_3 broke",
    "      S_4   RangeError: S_4 broke",
    "      S_5   RangeError: S_5 broke",
    "      … and 2 more: drover tasks --run run_ab --state failed",
  ]);
  assert.equal(lines.at(-2), "This run failed: 7 tasks failed.");
});

Deno.test("formatExecutionSummary() says when a done run found everything already done", () => {
  const done = run({
    total: 1,
    summary: { alreadyDone: 1, completed: 0, failed: 0, blocked: 0, cancelled: 0, pending: 0 },
  });
  const text = formatExecutionSummary(done, 38);
  assert.match(text, /^Run run_ab done in 38ms \(1 task\):\n {2}\* 1 already done\n/m);
  assert.match(text, /^This run succeeded: everything was already done\.$/m);
});

Deno.test("formatExecutionSummary() shows a running run's pending tasks", () => {
  const running = run({
    state: "running",
    finishedAt: null,
    total: 4,
    summary: { alreadyDone: 0, completed: 1, failed: 0, blocked: 0, cancelled: 0, pending: 3 },
  });
  const text = formatExecutionSummary(running, 61_000);
  assert.match(text, /^Run run_ab running for 1m 01s \(4 tasks\):$/m);
  assert.match(text, /^ {2}\* 3 still pending$/m);
  assert.match(text, /^This run is still running: 3 tasks pending\.$/m);
});

Deno.test("formatExecutionSummary() says when a run has no tasks to count", () => {
  assert.match(formatExecutionSummary(run({}), 0), /^ {2}\* no tasks$/m);
});
