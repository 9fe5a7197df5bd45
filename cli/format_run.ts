/** Human text about a run: task counts and the one-line failure (see also `shared/execution_summary.ts`). */
import type { RunStatus } from "../shared/api_schemas.ts";
import { describeError } from "../shared/describe_error.ts";

const STATE_ORDER = ["done", "leased", "ready", "waiting", "failed", "blocked", "cancelled"];

/** `3 done, 1 leased, 2 waiting`: non-zero counts, in pipeline order. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const states = Object.keys(counts).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const parts = states.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(", ") : "no tasks";
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
