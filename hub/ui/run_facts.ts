/**
 * What the run pages say about a run: how long it took, and what Retry and
 * Cancel would do, in the words of the confirmation dialogs.
 */
import type { RunStatus } from "../../shared/api_schemas.ts";
import { plural } from "./format.ts";

/** Milliseconds from submission to the end, or to `now` while it runs. */
export function runDuration(run: Pick<RunStatus, "createdAt" | "finishedAt">, now: number): number {
  return Math.max(0, (run.finishedAt ?? now) - run.createdAt);
}

/** What Retry run does, or null when there is nothing to retry. */
export function retryRunEffect(run: Pick<RunStatus, "counts">): string | null {
  const failed = run.counts.failed ?? 0;
  const cancelled = run.counts.cancelled ?? 0;
  const blocked = run.counts.blocked ?? 0;
  if (failed + cancelled === 0) return null;
  const what = [
    failed > 0 ? `${failed} failed` : "",
    cancelled > 0 ? `${cancelled} cancelled` : "",
  ].filter(Boolean).join(" and ");
  const noun = failed + cancelled === 1 ? "task" : "tasks";
  const unblock = blocked > 0 ? ` and unblock the ${plural(blocked, "task")} waiting on them` : "";
  return `Put the ${what} ${noun} back in the queue with their attempts reset${unblock}. ` +
    "Tasks already done are not run again.";
}

/** What Cancel run does, or null when the run is over. */
export function cancelRunEffect(run: Pick<RunStatus, "state" | "counts">): string | null {
  if (run.state !== "running") return null;
  const leased = run.counts.leased ?? 0;
  const queued = (run.counts.ready ?? 0) + (run.counts.waiting ?? 0);
  const parts = [
    leased > 0 ? `stop the ${plural(leased, "task")} running now (they publish nothing)` : "",
    queued > 0 ? `take the ${plural(queued, "task")} still queued or waiting off the queue` : "",
  ].filter(Boolean);
  const does = parts.length > 0 ? parts.join(" and ") : "cancel its unfinished tasks";
  return `Cancel this run: ${does}. Tasks shared with other runs are cancelled for them too; ` +
    "done tasks stay done. You can retry it later.";
}
