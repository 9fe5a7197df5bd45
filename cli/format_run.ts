/** Human text about a run: task counts, the end-of-run summary, the failure line. */
import type { RunStatus } from "./api_schemas.ts";
import { describeError } from "./describe_error.ts";
import { formatTable } from "./format_table.ts";
import { formatDuration } from "./format_time.ts";

const STATE_ORDER = ["done", "leased", "ready", "waiting", "failed", "blocked", "cancelled"];

/** `3 done, 1 leased, 2 waiting`: non-zero counts, in pipeline order. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const states = Object.keys(counts).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const parts = states.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(", ") : "no tasks";
}

/**
 * The lines printed when `submit --wait` ends:
 * `Run run_ab done in 3.2s: 4/4 tasks done`, and for a failure one line per failed task.
 */
export function formatRunSummary(run: RunStatus, elapsedMs: number): string {
  const done = run.counts.done ?? 0;
  const failed = run.counts.failed ?? 0;
  const took = run.state === "done"
    ? `in ${formatDuration(elapsedMs)}`
    : `after ${formatDuration(elapsedMs)}`;
  const blocked = run.counts.blocked ?? 0;
  const tally = `${done}/${run.total} tasks done${failed > 0 ? `, ${failed} failed` : ""}` +
    (blocked > 0 ? `, ${blocked} blocked by an upstream failure` : "");
  const lines = [`Run ${run.runId} ${run.state} ${took}: ${tally}`];
  if (run.failed.length > 0) lines.push(formatFailedTasks(run));
  if (run.blocked.length > 0) {
    lines.push(
      formatTable(["BLOCKED TASK", "BLOCKED BY"], run.blocked.map((b) => [b.taskId, b.blockedBy])),
    );
  }
  return lines.join("\n");
}

/** A table of the run's failed tasks and their last errors. */
export function formatFailedTasks(run: RunStatus): string {
  const table = formatTable(
    ["FAILED TASK", "ERROR"],
    run.failed.map((f) => [f.taskId, describeError(f.error)]),
  );
  const more = (run.counts.failed ?? 0) - run.failed.length;
  return more > 0 ? `${table}\n(and ${more} more)` : table;
}

/** `Run run_ab failed: task ProcessShard_5_2_x failed (RangeError: …)`, one line. */
export function describeRunFailure(run: RunStatus): string {
  const count = run.counts.failed ?? run.failed.length;
  const [first] = run.failed;
  if (!first) return `Run ${run.runId} failed`;
  if (count <= 1) {
    return `Run ${run.runId} failed: task ${first.taskId} failed (${describeError(first.error)})`;
  }
  const shown = run.failed.slice(0, 3).map((f) => f.taskId);
  const rest = count - shown.length;
  return `Run ${run.runId} failed: ${count} tasks failed: ${shown.join(", ")}${
    rest > 0 ? ` and ${rest} more` : ""
  }`;
}

function rank(state: string): number {
  const i = STATE_ORDER.indexOf(state);
  return i < 0 ? STATE_ORDER.length : i;
}
