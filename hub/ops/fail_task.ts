/**
 * Failure of an attempt: retry with exponential backoff and jitter, or fail
 * permanently once the attempts are spent or the error is permanent.
 */
import { sql } from "drizzle-orm";
import type { WireError } from "../../shared/errors.ts";
import type { Tx } from "../db/client.ts";
import { blockDependents } from "./steps/block_dependents.ts";
import { refreshRunStates } from "./steps/run_states.ts";
import { staleReason } from "./steps/stale_reason.ts";

/** A failure as a worker reports it. */
export interface Failure {
  taskId: string;
  epoch: number;
  /** The worker reporting it: only the lease's holder may. */
  workerId: string;
  error: WireError;
  now: number;
  /** Random source for jitter, in [0, 1). */
  random: () => number;
}

/** A family's disable policy, when it has one. */
export interface DisablePolicy {
  maxFailures: number;
  windowMs: number;
  disableForMs: number;
}

/** What the hub did with the failure. */
export interface FailureResult {
  outcome: "accepted" | "stale";
  message: string;
  /** `ready` when another attempt is scheduled, `failed` when none is. */
  state?: "ready" | "failed";
  retryAt?: number;
  /** Set when this failure disabled the family, until then. */
  disabledUntil?: number;
  /** Whether the task held resources (others may now start). */
  freedResources?: boolean;
  /** The task's family, lease kind and attempts so far (when accepted). */
  task?: { family: string; kind: "expand" | "run"; attempt: number };
}

/** Whether the attempt that just failed leaves another (evaluated before the update). */
const RETRY_LEFT = sql.raw(
  "(kind = 'run' AND attempt < max_attempts OR kind = 'expand' AND expand_failures + 1 < max_attempts)",
);

/** Share of a backoff delay that jitter may take away. */
const JITTER = 0.5;

/**
 * Records a failed attempt (run or expansion). The delay before the next
 * attempt is `min(maxDelay, baseDelay · 2^(n-1))`, less up to half of it at
 * random, so that tasks that failed together do not retry together. One
 * transaction: a task that failed for good closes its attempt, blocks what
 * waits on it and fails its runs together, or not at all.
 */
export async function failTask(
  tx: Tx,
  f: Failure,
  disablePolicy?: (family: string, version: number) => DisablePolicy | undefined,
): Promise<FailureResult> {
  const factor = 1 - JITTER * f.random();
  const retryable = f.error.retryable ? 1 : 0;
  // The attempt keeps the stack; the task's last error (in every list) is the summary.
  const { stack: _stack, ...summary } = f.error;
  const error = JSON.stringify(summary);
  const attemptError = JSON.stringify(f.error);
  const [row] = await tx.all<
    {
      state: "ready" | "failed";
      next_attempt_at: number;
      kind: "expand" | "run";
      family: string;
      version: number;
      resources: string;
      attempt: number;
    }
  >(
    sql`
    UPDATE tasks SET
      expand_failures = expand_failures + CASE WHEN kind = 'expand' THEN 1 ELSE 0 END,
      state = CASE WHEN ${retryable} = 1 AND ${RETRY_LEFT} THEN 'ready' ELSE 'failed' END,
      next_attempt_at = CASE WHEN ${retryable} = 1 AND ${RETRY_LEFT}
        THEN ${f.now} + CAST(min(retry_max_ms,
          retry_base_ms * (1 << CAST(min(CASE WHEN kind = 'run' THEN attempt ELSE expand_failures + 1 END - 1, 30) AS INTEGER)))
          * ${factor} AS INTEGER)
        ELSE next_attempt_at END,
      finished_at = CASE WHEN ${retryable} = 1 AND ${RETRY_LEFT} THEN NULL ELSE ${f.now} END,
      lease_owner = NULL, lease_expires_at = NULL,
      last_error = ${error}, updated_at = ${f.now}
    WHERE id = ${f.taskId} AND state = 'leased' AND lease_epoch = ${f.epoch}
      AND lease_owner = ${f.workerId}
    RETURNING state, next_attempt_at, kind, family, version, resources, attempt`,
  );
  if (!row) {
    const reason = await staleReason(tx, f.taskId, f.epoch, f.now, f.workerId);
    return { outcome: "stale", message: `Ignored failure of "${f.taskId}": ${reason}` };
  }
  await tx.run(sql`
    UPDATE attempts SET ended_at = ${f.now}, outcome = 'failed', error = ${attemptError}
    WHERE task_id = ${f.taskId} AND epoch = ${f.epoch}`);
  if (row.state === "failed") {
    await blockDependents(tx, f.taskId, f.now);
    await refreshRunStates(tx, [f.taskId], f.now);
  }
  const policy = disablePolicy?.(row.family, row.version);
  const disabledUntil = policy
    ? await applyDisablePolicy(tx, row.family, row.version, policy, f.now)
    : undefined;
  const freedResources = row.resources !== "{}";
  const task = { family: row.family, kind: row.kind, attempt: row.attempt };
  return row.state === "ready"
    ? {
      outcome: "accepted",
      message: `will retry at ${new Date(row.next_attempt_at).toISOString()}`,
      state: "ready",
      retryAt: row.next_attempt_at,
      disabledUntil,
      freedResources,
      task,
    }
    : {
      outcome: "accepted",
      message: "failed permanently",
      state: "failed",
      disabledUntil,
      freedResources,
      task,
    };
}

/**
 * Luigi's disable_num_failures: more than `maxFailures` failed attempts of a
 * family within `windowMs` disable it for `disableForMs` (no task of it
 * starts) instead of retrying forever. Returns the new disabled-until time.
 */
async function applyDisablePolicy(
  tx: Tx,
  family: string,
  version: number,
  policy: DisablePolicy,
  now: number,
): Promise<number | undefined> {
  const [count] = await tx.all<{ n: number }>(sql`
    SELECT count(*) AS n FROM attempts a JOIN tasks t ON t.id = a.task_id
    WHERE a.ended_at > ${now - policy.windowMs} AND a.outcome = 'failed'
      AND t.family = ${family} AND t.version = ${version}`);
  if ((count?.n ?? 0) <= policy.maxFailures) return undefined;
  const until = now + policy.disableForMs;
  await tx.run(sql`
    UPDATE families SET disabled_until = ${until}
    WHERE name = ${family} AND version = ${version}
      AND (disabled_until IS NULL OR disabled_until < ${until})`);
  return until;
}
