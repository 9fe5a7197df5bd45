/**
 * The days of a backfill: every ISO date (`YYYY-MM-DD`) from one day to
 * another, both included, counted in UTC so no day is lost or repeated at
 * a daylight-saving change.
 */

const DAY_MS = 86_400_000;

/** The most days one backfill may cover (about ten years). */
export const MAX_BACKFILL_DAYS = 3_660;

/**
 * Every date from `from` to `to`, inclusive. Throws a `RangeError` when a
 * date is not a real `YYYY-MM-DD` day, when `from` is after `to`, or when the
 * range is longer than `maxDays`.
 */
export function dateRange(from: string, to: string, maxDays = MAX_BACKFILL_DAYS): string[] {
  const start = parseDay(from, "from");
  const end = parseDay(to, "to");
  if (start > end) {
    throw new RangeError(`Invalid date range: "from" ${from} is after "to" ${to}`);
  }
  const count = (end - start) / DAY_MS + 1;
  if (count > maxDays) {
    throw new RangeError(
      `Invalid date range: ${from} to ${to} is ${count} days, over the limit of ${maxDays}`,
    );
  }
  return Array.from(
    { length: count },
    (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10),
  );
}

function parseDay(text: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`Invalid "${name}" date "${text}": expected a day as YYYY-MM-DD`);
  }
  return ms;
}
