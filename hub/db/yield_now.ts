/**
 * Lets the event loop run what is waiting (sockets, HTTP requests) before
 * going on. Statements run synchronously, so a long operation that loops over
 * chunks would otherwise hold every socket until its last chunk: between
 * chunks it yields. Other writes still wait for its transaction (the write
 * queue runs one at a time); reads on a file database do not.
 */
import { setImmediate } from "node:timers";

/** Resolves after the event loop's pending callbacks have had a turn. */
export function yieldNow(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
