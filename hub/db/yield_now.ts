/**
 * Lets the event loop run what is waiting (sockets, HTTP requests) before
 * going on. Statements run synchronously, so a long operation that loops over
 * chunks would otherwise hold every socket until its last chunk: between
 * chunks it yields. Other writes still wait for its transaction (the write
 * queue runs one at a time); reads on a file database do not.
 *
 * One turn of the event loop is not always enough: an HTTP request takes
 * several turns to be read, answered and written, so behind back-to-back
 * stretches of 40 ms (the parts of a big expansion on a large database) it
 * waited 200–300 ms. After a long stretch the yield is a rest, a timer of
 * a share of the stretch, in which everything else waiting gets all the
 * turns it needs; after a short one it is a single turn, as cheap as before.
 */
import { setImmediate } from "node:timers";

/** After this much work (ms) without a rest, a yield is a rest rather than one turn. */
export const REST_AFTER_MS = 10;
/** A rest lasts this share of the work before it… */
const REST_SHARE = 0.25;
/** …and at most this long (ms). */
const REST_MAX_MS = 10;

/** When the current stretch of work began: the last rest's end, or {@link startStretch}. */
let stretchStart = 0;

/** Marks the start of a stretch of work (the write queue calls it when it wakes up). */
export function startStretch(): void {
  stretchStart = performance.now();
}

/**
 * Resolves after the event loop's pending callbacks have had a turn, or,
 * after a long stretch of work, after a rest (see above).
 */
export function yieldNow(): Promise<void> {
  const stretch = performance.now() - stretchStart;
  return new Promise((resolve) => {
    if (stretch <= REST_AFTER_MS) {
      setImmediate(resolve);
      return;
    }
    setTimeout(() => {
      stretchStart = performance.now();
      resolve();
    }, Math.min(REST_MAX_MS, Math.ceil(stretch * REST_SHARE)));
  });
}

/**
 * {@link yieldNow} between the chunks of a long loop, not before the first:
 * a small operation (one chunk) never waits.
 */
export function yieldAfterFirst(index: number): Promise<void> | undefined {
  return index > 0 ? yieldNow() : undefined;
}
