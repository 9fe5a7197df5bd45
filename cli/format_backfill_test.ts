import assert from "node:assert/strict";
import type { BackfillStatus } from "../shared/api_schemas_backfills.ts";
import { fakeBackfill } from "./fake_answers.ts";
import {
  describeBackfillFailure,
  formatBackfillProgress,
  formatBackfillSummary,
} from "./format_backfill.ts";

function backfill(failedDays: number, overrides: Partial<BackfillStatus> = {}): BackfillStatus {
  const failed = Array.from({ length: failedDays }, (_, i) => ({
    runId: `run_${i}`,
    date: `2026-11-${String(i + 2).padStart(2, "0")}`,
    taskId: `ExtractRaw_2026-11-${String(i + 2).padStart(2, "0")}_ab`,
    state: "failed" as const,
  }));
  return fakeBackfill({
    family: "ExtractRaw",
    to: "2026-11-30",
    maxConcurrent: 2,
    days: 30,
    skipped: 1,
    submitted: 29,
    pending: 0,
    done: 29 - failedDays,
    failed: failedDays,
    running: 0,
    state: failedDays > 0 ? "failed" : "done",
    runs: [
      { runId: "run_x", date: "2026-11-30", taskId: "ExtractRaw_x", state: "done" },
      ...failed,
    ],
    ...overrides,
  });
}

Deno.test("formatBackfillProgress() counts days, skipped ones as done", () => {
  assert.equal(
    formatBackfillProgress(backfill(0, { done: 3, running: 2, state: "running" }), 2500),
    "[#---------] 4/30 days done · 2 running · 0 failed · 2.5s",
  );
});

Deno.test("formatBackfillSummary() says how the days ended, and lists the failed ones", () => {
  assert.equal(
    formatBackfillSummary(backfill(0), 3200),
    "Backfill bf_1 done in 3.2s: 30 days, 1 skipped as already complete, 29 done, 0 failed",
  );
  const lines = formatBackfillSummary(backfill(2), 3200).split("\n");
  assert.equal(
    lines[0],
    "Backfill bf_1 failed after 3.2s: 30 days, 1 skipped as already complete, 27 done, 2 failed",
  );
  assert.match(lines[1]!, /^DATE +FAILED TASK +STATE$/);
  assert.match(lines[2]!, /^2026-11-02 +ExtractRaw_2026-11-02_ab +failed$/);
  assert.equal(lines.length, 4);
  const many = formatBackfillSummary(backfill(25), 1000).split("\n");
  assert.equal(many.at(-1), "(and 5 more)");
});

Deno.test("describeBackfillFailure() names the first failed tasks in one line", () => {
  assert.equal(
    describeBackfillFailure(backfill(1)),
    "Backfill bf_1 failed: 1 day failed: ExtractRaw_2026-11-02_ab",
  );
  assert.equal(
    describeBackfillFailure(backfill(5)),
    "Backfill bf_1 failed: 5 days failed: ExtractRaw_2026-11-02_ab, ExtractRaw_2026-11-03_ab, " +
      "ExtractRaw_2026-11-04_ab and 2 more",
  );
});
