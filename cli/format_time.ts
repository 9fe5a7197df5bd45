/** Durations, timestamps and ages for human output. */

export { formatDuration } from "../shared/format_duration.ts";

/**
 * How long a run took, or has run so far: both ends on the hub's clock, so
 * every command shows the same duration for it. `hubNow` stands for the end
 * while it runs; never below 0.
 */
export function runElapsedMs(
  run: { createdAt: number; finishedAt: number | null },
  hubNow: number,
): number {
  return Math.max(0, (run.finishedAt ?? hubNow) - run.createdAt);
}

/** `2026-11-23 23:57:01Z` (UTC, to the second), or `-` when absent. */
export function formatTimestamp(ms: number | null): string {
  if (ms === null) return "-";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + "Z";
}

/** `3s ago`, `5m ago`; a time ahead of `now` (clock skew) is `0s ago`. */
export function formatAge(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}
