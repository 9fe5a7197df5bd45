/**
 * The hub's clock as the CLI can tell it from the `Date` header of each
 * answer. A run's `createdAt` and `finishedAt` are hub times; how long a
 * running run has run is "hub now" minus `createdAt`, and the CLI's own
 * clock may be off from the hub's.
 */

/** What `Date` headers say of the hub's clock. */
export interface HubClock {
  /** Milliseconds since the epoch on the hub's clock, as far as its answers tell. */
  now(): number;
  /** The CLI's own clock, which times requests. */
  localNow(): number;
  /**
   * Learns from an answer to a request sent at `sentAt` and received at
   * `receivedAt` (CLI clock) whose `Date` header is `date` (null: none).
   */
  observe(sentAt: number, receivedAt: number, date: string | null): void;
}

/**
 * How far behind the hub's clock its `Date` header may be: it has whole
 * seconds, and servers cache it (Deno's lags 0.9 to 1.9 s behind the clock).
 */
const DATE_WINDOW_MS = 3_000;

/**
 * A hub clock over `localNow`. One answer bounds the offset (hub minus CLI)
 * to an interval: the hub's clock read between `date` and `date` +
 * {@link DATE_WINDOW_MS} while the CLI's was between `sentAt` and
 * `receivedAt`. Answers narrow the interval (a contradicting one, as after a
 * clock step, starts it anew). An interval holding 0 means clocks in step as
 * far as a `Date` can tell: the offset is 0, and a skew of a second or two
 * goes uncorrected. Otherwise the offset is the interval's middle, off by at
 * most half its width (1.5 s and half a round trip, less as answers narrow
 * it). With no `Date` header seen the offset is 0.
 */
export function createHubClock(localNow: () => number): HubClock {
  let low = -Infinity;
  let high = Infinity;
  let offset = 0;
  return {
    now: () => localNow() + offset,
    localNow,
    observe(sentAt, receivedAt, date) {
      const hubSecond = date === null ? NaN : Date.parse(date);
      if (Number.isNaN(hubSecond)) return;
      const from = hubSecond - receivedAt;
      const to = hubSecond + DATE_WINDOW_MS - sentAt;
      if (from > high || to < low) [low, high] = [from, to];
      else [low, high] = [Math.max(low, from), Math.min(high, to)];
      offset = low <= 0 && 0 <= high ? 0 : (low + high) / 2;
    },
  };
}
