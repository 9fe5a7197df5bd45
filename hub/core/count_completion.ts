/** What a completion's answer adds to the hub's counters and metrics. */
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import type { CompletionResult } from "../ops/complete_task.ts";
import type { HubCounters } from "./counters.ts";

/** Counts `result` (a completion that arrived at `now`; `family` names its task's, if refused). */
export function countCompletion(
  d: { counters: HubCounters; metrics: HubMetrics },
  family: () => string,
  result: CompletionResult,
  now: number,
): void {
  const { counters, metrics } = d;
  if (result.outcome !== "accepted") {
    counters.completionsStale++;
    metrics.completionRefused(family());
  } else if (result.repeat) {
    counters.duplicateCompletions++;
    metrics.duplicateCompletion();
  } else {
    counters.completionsAccepted++;
    const task = result.task!;
    metrics.taskPublished({
      family: task.family,
      durationMs: now - (task.startedAt ?? now),
      attempts: task.attempt,
    });
  }
}
