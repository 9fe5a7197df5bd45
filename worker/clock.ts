/**
 * Time for the worker runtime: the session reads `now()` and sets its timers
 * (renewals, the grace time, the wait for acknowledgements) through a clock,
 * so tests can drive them without waiting.
 */

/** What the runtime needs of time. */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  /** Like the global `setTimeout`; the handle is only ever given back to `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Like the global `clearTimeout`. */
  clearTimeout(handle: unknown): void;
  /** Like the global `setInterval`; the handle is only ever given back to `clearInterval`. */
  setInterval(fn: () => void, ms: number): unknown;
  /** Like the global `clearInterval`. */
  clearInterval(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as number),
};

/** Whether `promise` settles within `ms` on `clock` (the timer never outlives the call). */
export async function settlesWithin(
  clock: Clock,
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: unknown;
  const timeout = new Promise<false>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}
