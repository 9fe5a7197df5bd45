/** Human text about a backfill: its progress line, its summary, its failure line. */
import type { BackfillStatus } from "../shared/api_schemas_backfills.ts";
import { formatTable } from "../shared/text_table.ts";
import { formatDuration } from "./format_time.ts";
import { formatTally } from "./progress.ts";

/** Failed days listed in a summary; the rest are counted. */
const SHOWN = 20;

/** `[####------] 4/10 days done · 2 running · 0 failed · 3.1s`; skipped days count as done. */
export function formatBackfillProgress(backfill: BackfillStatus, elapsedMs: number): string {
  return formatTally(
    {
      done: backfill.done + backfill.skipped,
      total: backfill.days,
      running: backfill.running,
      failed: backfill.failed,
      unit: "days",
    },
    elapsedMs,
  );
}

/** `10 days, 1 skipped as already complete, 9 done, 0 failed`. */
function formatBackfillCounts(backfill: BackfillStatus): string {
  return `${backfill.days} day${backfill.days === 1 ? "" : "s"}, ${backfill.skipped} skipped ` +
    `as already complete, ${backfill.done} done, ${backfill.failed} failed`;
}

/**
 * The lines printed when `backfill --wait` ends:
 * `Backfill bf_1 done in 3.2s: 10 days, …`, then a table of the failed days.
 */
export function formatBackfillSummary(backfill: BackfillStatus, elapsedMs: number): string {
  const took = backfill.state === "done"
    ? `in ${formatDuration(elapsedMs)}`
    : `after ${formatDuration(elapsedMs)}`;
  const lines = [
    `Backfill ${backfill.backfillId} ${backfill.state} ${took}: ${formatBackfillCounts(backfill)}`,
  ];
  const failed = failedRuns(backfill);
  if (failed.length > 0) {
    lines.push(
      formatTable(
        ["DATE", "FAILED TASK", "STATE"],
        failed.slice(0, SHOWN).map((r) => [r.date, r.taskId, r.state]),
      ),
    );
    if (failed.length > SHOWN) lines.push(`(and ${failed.length - SHOWN} more)`);
  }
  return lines.join("\n");
}

/** `Backfill bf_1 failed: 2 days failed: ExtractRaw_…, ExtractRaw_…`, one line. */
export function describeBackfillFailure(backfill: BackfillStatus): string {
  const failed = failedRuns(backfill);
  const shown = failed.slice(0, 3).map((r) => r.taskId);
  const rest = failed.length - shown.length;
  const what = failed.length === 1 ? "1 day failed" : `${failed.length} days failed`;
  return `Backfill ${backfill.backfillId} failed: ${what}: ${shown.join(", ")}${
    rest > 0 ? ` and ${rest} more` : ""
  }`;
}

function failedRuns(backfill: BackfillStatus) {
  return backfill.runs.filter((r) => r.state === "failed" || r.state === "cancelled");
}
