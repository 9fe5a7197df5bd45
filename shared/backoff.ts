/**
 * Exponential backoff with jitter, and a retry loop built on it.
 *
 * @module
 */
import { delay } from "./delay.ts";

/** How delays grow between attempts. */
export interface BackoffPolicy {
  /** Delay before the second attempt, in ms. */
  baseMs: number;
  /** Upper bound on any delay, in ms. */
  maxMs: number;
  /** Growth per attempt; default 2. */
  factor?: number;
  /** Fraction of the delay that is randomised (0 = none, 1 = "full jitter"); default 0.5. */
  jitter?: number;
}

/**
 * The delay before attempt `attempt + 1`, after `attempt` failures (1-based).
 *
 * The un-jittered delay is `baseMs * factor^(attempt-1)`, capped at `maxMs`;
 * jitter then takes away a random share of up to `jitter` of it, so that a
 * fleet that failed together does not retry together.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./backoff.ts";
 * const ms = backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 0 });
 * console.assert(ms === 400);
 * ```
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const factor = policy.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.5));
  const exp = Math.max(0, attempt - 1);
  const raw = Math.min(policy.maxMs, policy.baseMs * Math.pow(factor, exp));
  return Math.round(raw * (1 - jitter * random()));
}

/** Options for {@link retry}. */
export interface RetryOptions extends BackoffPolicy {
  /** Give up after this many attempts (the error of the last one is thrown). */
  maxAttempts: number;
  /** Decides whether an error is worth another attempt; default: always. */
  shouldRetry?: (error: unknown) => boolean;
  /** Stops waiting and rethrows the signal's reason. */
  signal?: AbortSignal;
  /** Called before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Random source for jitter (tests inject a fixed one). */
  random?: () => number;
}

/**
 * Calls `fn` until it succeeds, waiting with backoff and jitter in between.
 *
 * @example
 * ```ts
 * import { retry } from "./backoff.ts";
 * let calls = 0;
 * const v = await retry(() => {
 *   if (++calls < 3) throw new Error("flaky");
 *   return Promise.resolve("ok");
 * }, { maxAttempts: 5, baseMs: 1, maxMs: 5 });
 * console.assert(v === "ok" && calls === 3);
 * ```
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      const retryable = options.shouldRetry?.(error) ?? true;
      if (!retryable || attempt >= options.maxAttempts) throw error;
      const ms = backoffDelay(attempt, options, options.random);
      options.onRetry?.(error, attempt, ms);
      await delay(ms, options.signal);
    }
  }
}
