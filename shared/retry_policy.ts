/**
 * A family's retry policy, as the worker advertises it and the hub stores it.
 *
 * @module
 */
import { z } from "zod";

/**
 * The retry policy's schema (defaults filled in).
 *
 * @example
 * ```ts
 * import { retryPolicySchema } from "./retry_policy.ts";
 * console.assert(retryPolicySchema.parse({}).maxAttempts === 3);
 * ```
 */
export const retryPolicySchema = z.strictObject({
  /** Runs allowed in all, the first included. */
  maxAttempts: z.int().min(1).max(1000).default(3),
  /** Delay before the second attempt. */
  baseDelayMs: z.int().min(0).max(86_400_000).default(1_000),
  /** Cap on any delay. */
  maxDelayMs: z.int().min(0).max(86_400_000).default(60_000),
});

/**
 * How a family retries failed runs.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "./retry_policy.ts";
 * const p: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
 * ```
 */
export type RetryPolicy = z.output<typeof retryPolicySchema>;
