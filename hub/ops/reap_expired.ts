/**
 * The reaper: leases whose holder stopped renewing go back to ready (or to
 * failed when that was the last attempt). Any hub may reap; the update is
 * conditional, so two hubs reaping at once reap each lease once.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { blockDependents } from "./steps/block_dependents.ts";
import { refreshRunStates } from "./steps/run_states.ts";

/** A lease the reaper took back. */
export interface ReapedLease {
  id: string;
  state: "ready" | "failed";
  kind: "expand" | "run";
  epoch: number;
  owner: string | null;
  family: string;
  attempt: number;
}

/**
 * Returns every lease that expired before `now` to the queue. One
 * transaction: each reaped lease closes its attempt, and a last attempt
 * blocks what waits on it and fails its runs, with it.
 */
export async function reapExpired(tx: Tx, now: number): Promise<ReapedLease[]> {
  const reaped = await tx.all<ReapedLease>(sql`
    UPDATE tasks SET
      expand_failures = expand_failures + CASE WHEN kind = 'expand' THEN 1 ELSE 0 END,
      state = CASE
        WHEN kind = 'run' AND attempt >= max_attempts THEN 'failed'
        WHEN kind = 'expand' AND expand_failures + 1 >= max_attempts THEN 'failed'
        ELSE 'ready' END,
      last_error = json_object(
        'name', 'LeaseExpiredError',
        'message', 'lease expired: worker ' || coalesce(lease_owner, '?') || ' stopped renewing',
        'retryable', json('true')),
      finished_at = CASE
        WHEN kind = 'run' AND attempt >= max_attempts THEN ${now}
        WHEN kind = 'expand' AND expand_failures + 1 >= max_attempts THEN ${now}
        ELSE NULL END,
      lease_owner = NULL, lease_expires_at = NULL,
      next_attempt_at = ${now}, updated_at = ${now}
    WHERE state = 'leased' AND lease_expires_at < ${now}
    RETURNING id, state, kind, lease_epoch AS epoch, family, attempt,
      -- RETURNING sees the row after the update (lease_owner is NULL by then):
      -- the holder is the worker of the attempt at this epoch.
      (SELECT worker_id FROM attempts a WHERE a.task_id = tasks.id
        AND a.epoch = tasks.lease_epoch) AS owner`);
  for (const r of reaped) {
    await tx.run(sql`
      UPDATE attempts SET ended_at = ${now}, outcome = 'expired'
      WHERE task_id = ${r.id} AND epoch = ${r.epoch}`);
    if (r.state === "failed") await blockDependents(tx, r.id, now);
  }
  await refreshRunStates(tx, reaped.filter((r) => r.state === "failed").map((r) => r.id), now);
  return reaped;
}
