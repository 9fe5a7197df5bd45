/**
 * Manual retry: failed and cancelled tasks go back in the queue with a fresh
 * retry budget, and what they blocked waits for them again.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { runTaskIds } from "../db/subgraph.ts";
import { refreshRunStates } from "./steps/run_states.ts";
import { PENDING_DEPS, reopenBlocked, settleReopened } from "./steps/unblock_dependents.ts";

/** What a retry changed. */
export interface Retried {
  /** Tasks among those asked for that were failed or cancelled, now reset. */
  retried: string[];
  /** Tasks they blocked that are no longer blocked. */
  unblocked: string[];
}

/**
 * Resets the tasks among `ids` that are failed or cancelled (others are left
 * alone): attempts, backoff, errors and progress are cleared, the fencing
 * epoch is kept. A task not yet expanded is ready to expand again; any other
 * waits for its requirements (pending count recounted), is ready when none
 * is pending, or, as a wrapper, done. What they blocked is unblocked; a task
 * (retried or unblocked) that still has a failed or cancelled requirement is
 * blocked by that one instead. One transaction, so that no task is left
 * blocked by a culprit that is no longer failed, nor waiting on a count
 * that missed a completion while it sat blocked.
 */
export async function retryTasks(tx: Tx, ids: readonly string[], now: number): Promise<Retried> {
  const retried: string[] = [];
  const waiting: string[] = [];
  for (const part of chunks(ids, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    // An external task's deadline restarts with its original window.
    const rows = await tx.all<{ id: string; kind: string }>(sql`
      UPDATE tasks SET
        state = CASE WHEN kind = 'expand' THEN 'ready' ELSE 'waiting' END,
        pending_deps = CASE WHEN kind = 'expand' THEN 0 ELSE ${PENDING_DEPS} END,
        ready_at = CASE WHEN kind = 'expand' THEN ${now} ELSE NULL END,
        attempt = 0, expand_failures = 0, next_attempt_at = 0, external_checks = 0,
        external_deadline_at = ${now} + external_deadline_at - created_at,
        last_error = NULL, blocked_by = NULL, status_message = NULL, progress = NULL,
        finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now}
      WHERE id IN (${list}) AND +state IN ('failed', 'cancelled')
      RETURNING id, kind`);
    for (const r of rows) {
      retried.push(r.id);
      if (r.kind !== "expand") waiting.push(r.id);
    }
  }
  if (retried.length === 0) return { retried, unblocked: [] };
  const reopened = await reopenBlocked(tx, { blockedBy: retried }, now);
  const { reblocked } = await settleReopened(tx, [...waiting, ...reopened], now);
  await refreshRunStates(tx, retried, now);
  const still = new Set(reblocked);
  return { retried, unblocked: reopened.filter((id) => !still.has(id)) };
}

/** Retries the failed and cancelled tasks of the run rooted at `rootTaskId`. */
export async function retryRunTasks(tx: Tx, rootTaskId: string, now: number): Promise<Retried> {
  const rows = await tx.all<{ id: string }>(sql`
    SELECT id FROM tasks WHERE +state IN ('failed', 'cancelled')
      AND id IN (${runTaskIds(rootTaskId)})
    ORDER BY id`);
  return await retryTasks(tx, rows.map((r) => r.id), now);
}
