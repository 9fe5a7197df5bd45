/**
 * How long something took, as the CLI and the execution summary write it.
 *
 * @module
 */

/**
 * `38ms`, `12.3s`, `2m 05s`, `1h 02m`; below 0 is `0ms`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./format_duration.ts";
 * console.assert(formatDuration(61_000) === "1m 01s");
 * ```
 */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 1000) return `${Math.round(safe)}ms`;
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const seconds = Math.floor(safe / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
