/**
 * The execution summary, after Luigi's: what the run found already done,
 * what it did, what failed and why, what is blocked or still pending. The
 * CLI prints it when `submit --wait` or `retry --wait` ends and in `status`;
 * the web UI's run pages show the same text.
 *
 * @module
 */
import type { RunStatus, RunSummary } from "./api_schemas.ts";
import { describeError } from "./describe_error.ts";
import { formatDuration } from "./format_duration.ts";
import { formatFields } from "./text_table.ts";

const TITLE = "===== Drover execution summary =====";

/** Failed tasks listed by name before `… and N more`. */
const SHOWN_FAILED = 5;

/** The error of a listed failed task is cut to this many characters. */
const ERROR_WIDTH = 120;

/**
 * The summary block of `run`, `elapsedMs` after it started:
 *
 * ```text
 * ===== Drover execution summary =====
 * Run run_ab failed after 3.2s (12 tasks):
 *   * 4 already done
 *   * 5 completed
 *   * 1 failed: Shard_3 (RangeError: …)
 *   * 2 blocked by an upstream failure (Shard_3)
 * This run failed: 1 task failed, 2 blocked.
 * ====================================
 * ```
 *
 * Zero lines are left out.
 *
 * @example
 * ```ts
 * import { formatExecutionSummary } from "./execution_summary.ts";
 * const text = formatExecutionSummary({
 *   runId: "run_ab", rootTaskId: "A_1", family: "A", params: {}, state: "done",
 *   submittedBy: null, createdAt: 0, finishedAt: 38, total: 1, counts: { done: 1 },
 *   failed: [], blocked: [],
 *   summary: { alreadyDone: 0, completed: 1, failed: 0, blocked: 0, cancelled: 0, pending: 0 },
 * }, 38);
 * console.assert(text.includes("Run run_ab done in 38ms (1 task):"));
 * ```
 */
export function formatExecutionSummary(run: RunStatus, elapsedMs: number): string {
  const s = run.summary;
  const took = formatDuration(elapsedMs);
  const when = run.state === "done"
    ? `done in ${took}`
    : run.state === "running"
    ? `running for ${took}`
    : `${run.state} after ${took}`;
  const lines = [TITLE, `Run ${run.runId} ${when} (${plural(run.total, "task")}):`];
  const item = (n: number, text: string) => {
    if (n > 0) lines.push(`  * ${n} ${text}`);
  };
  item(s.alreadyDone, "already done");
  item(s.completed, "completed");
  if (s.failed > 0) lines.push(...failedLines(run, s.failed));
  item(s.blocked, `blocked by an upstream failure${culprits(run)}`);
  item(s.cancelled, "cancelled");
  item(s.pending, "still pending");
  if (lines.length === 2) lines.push("  * no tasks");
  lines.push(verdict(run, s), "=".repeat(TITLE.length));
  return lines.join("\n");
}

function failedLines(run: RunStatus, count: number): string[] {
  const error = (e: unknown) => {
    const text = describeError(e);
    return text.length > ERROR_WIDTH ? `${text.slice(0, ERROR_WIDTH - 1)}…` : text;
  };
  const [only] = run.failed;
  if (count === 1 && only) return [`  * 1 failed: ${only.taskId} (${error(only.error)})`];
  const shown = run.failed.slice(0, SHOWN_FAILED);
  const lines = [`  * ${count} failed:`];
  if (shown.length > 0) {
    const table = formatFields(shown.map((f) => [f.taskId, error(f.error)]));
    lines.push(...table.split("\n").map((line) => `      ${line}`));
  }
  const more = count - shown.length;
  if (more > 0) {
    lines.push(`      … and ${more} more: drover tasks --run ${run.runId} --state failed`);
  }
  return lines;
}

/** ` (Shard_3, Shard_4)`: the tasks the blocked ones wait on, when there are few. */
function culprits(run: RunStatus): string {
  const ids = [...new Set(run.blocked.map((b) => b.blockedBy))];
  if (ids.length === 0) return "";
  return ` (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""})`;
}

function verdict(run: RunStatus, s: RunSummary): string {
  switch (run.state) {
    case "done":
      return s.completed === 0 && s.alreadyDone > 0
        ? "This run succeeded: everything was already done."
        : "This run succeeded.";
    case "failed":
      return `This run failed: ${plural(s.failed, "task")} failed${
        s.blocked > 0 ? `, ${s.blocked} blocked` : ""
      }.`;
    case "cancelled":
      return `This run was cancelled: ${plural(s.cancelled, "task")} cancelled.`;
    case "running":
      return `This run is still running: ${plural(s.pending, "task")} pending.`;
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
