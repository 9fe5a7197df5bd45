/**
 * Deadlines for promises.
 *
 * @module
 */

/**
 * Thrown by {@link deadline} when the time runs out.
 *
 * @example
 * ```ts
 * import { DeadlineError } from "./deadline.ts";
 * console.assert(new DeadlineError(5).name === "DeadlineError");
 * ```
 */
export class DeadlineError extends Error {
  /** Creates the error for a deadline of `ms`. */
  constructor(ms: number, what = "operation") {
    super(`The ${what} did not finish within ${ms} ms`);
    this.name = "DeadlineError";
  }
}

/**
 * Settles like `promise`, or rejects with {@link DeadlineError} after `ms`.
 * The timer is cleared either way, so nothing leaks.
 *
 * @example
 * ```ts
 * import { deadline } from "./deadline.ts";
 * const v = await deadline(Promise.resolve(42), 1_000);
 * console.assert(v === 42);
 * ```
 */
export function deadline<T>(promise: Promise<T>, ms: number, what?: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(ms, what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
