/**
 * Durations as people write them in settings: `500ms`, `90s`, `15m`, `24h`,
 * `7d`.
 *
 * @module
 */

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d{1,9})(ms|s|m|h|d)$/;

/**
 * Milliseconds in `text`, or null when it is not a whole number followed by
 * one of `ms`, `s`, `m`, `h`, `d`.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * console.assert(parseDuration("15m") === 900_000);
 * console.assert(parseDuration("15 minutes") === null);
 * ```
 */
export function parseDuration(text: string): number | null {
  const m = PATTERN.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : null;
}

/**
 * `ms` in the largest unit that divides it exactly.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./duration.ts";
 * console.assert(formatDuration(86_400_000) === "1d");
 * console.assert(formatDuration(90_000) === "90s");
 * ```
 */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"]) {
    if (ms > 0 && ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  }
  return `${ms}ms`;
}
