/**
 * Exponential backoff with jitter.
 *
 * @module
 */

/**
 * How delays grow between attempts.
 *
 * @example
 * ```ts
 * import type { BackoffPolicy } from "./backoff.ts";
 * const reconnect: BackoffPolicy = { baseMs: 200, maxMs: 10_000, jitter: 0.5 };
 * ```
 */
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
