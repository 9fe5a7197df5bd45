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
 * A hub clock over `localNow`. `Date` has whole seconds, so one answer
 * bounds the offset (hub minus CLI) to an interval: the hub wrote it at some
 * time in [date, date + 1 s) while the CLI was between `sentAt` and
 * `receivedAt`. Answers narrow the interval (a contradicting one, as after
 * a clock step, starts it anew). An interval holding 0 means clocks in step
 * as far as a `Date` can tell: the offset is 0. Otherwise it is the
 * interval's middle, off by at most half its width (half a second and half
 * a round trip, or less). With no `Date` header seen the offset is 0.
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
      const to = hubSecond + 1000 - sentAt;
      if (from > high || to < low) [low, high] = [from, to];
      else [low, high] = [Math.max(low, from), Math.min(high, to)];
      offset = low <= 0 && 0 <= high ? 0 : (low + high) / 2;
    },
  };
}
