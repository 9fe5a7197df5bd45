/**
 * Unblocking: when a culprit is retried or marked done, the tasks it blocked
 * wait again, unless another failed or cancelled requirement still blocks
 * them, in which case that one becomes their culprit.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { chunks } from "../../db/chunks.ts";
import { blockDependents } from "./block_dependents.ts";
import { propagateDone, type Propagation, settleWaiting } from "./propagate_done.ts";

/**
 * A task's requirements not done, counted from the edges. A task that sat
 * blocked or cancelled missed the decrements of `propagateDone`, so its
 * stored `pending_deps` is stale: recount whenever a task comes back.
 */
export const PENDING_DEPS = sql`(SELECT count(*) FROM edges e LEFT JOIN tasks d ON d.id = e.dep_id
  WHERE e.task_id = tasks.id AND (d.state IS NULL OR d.state != 'done'))`;

/** Which blocked tasks to reconsider. */
export type BlockedScope =
  /** Tasks whose culprit is one of these (they are being retried). */
  | { blockedBy: readonly string[] }
  /** Every blocked task above this one, whatever its culprit (it is now done). */
  | { above: string };

/** What unblocking changed. */
export interface Unblocked {
  /** Tasks that left `blocked` and were not blocked again. */
  unblocked: string[];
  /** Tasks that became ready, and wrappers that became done, as a result. */
  propagation: Propagation;
}

/** Unblocks the tasks in `scope`, blocks again those that still cannot run, settles the rest. */
export async function unblockDependents(
  tx: Tx,
  scope: BlockedScope,
  now: number,
): Promise<Unblocked> {
  const reopened = await reopenBlocked(tx, scope, now);
  const { reblocked, propagation } = await settleReopened(tx, reopened, now);
  const still = new Set(reblocked);
  return { unblocked: reopened.filter((id) => !still.has(id)), propagation };
}

/** Blocked tasks in `scope` go back to `waiting`, with their pending count recounted. */
export async function reopenBlocked(tx: Tx, scope: BlockedScope, now: number): Promise<string[]> {
  const reopen = sql`state = 'waiting', blocked_by = NULL, pending_deps = ${PENDING_DEPS},
    updated_at = ${now}`;
  if ("above" in scope) {
    const rows = await tx.all<{ id: string }>(sql`
      WITH RECURSIVE up(id) AS (
        SELECT task_id FROM edges WHERE dep_id = ${scope.above}
        UNION
        SELECT e.task_id FROM edges e JOIN up ON e.dep_id = up.id
      )
      UPDATE tasks SET ${reopen}
      WHERE id IN (SELECT id FROM up) AND +state = 'blocked'
      RETURNING id`);
    // RETURNING promises no order: sorted, the answer is the same on every backend.
    return rows.map((r) => r.id).sort();
  }
  const reopened: string[] = [];
  for (const part of chunks(scope.blockedBy, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      UPDATE tasks SET ${reopen}
      WHERE state = 'blocked' AND blocked_by IN (${list})
      RETURNING id`);
    reopened.push(...rows.map((r) => r.id));
  }
  return reopened.sort();
}

/**
 * For tasks just put back to `waiting`: a failed or cancelled requirement
 * (or the culprit of a blocked one) blocks them again, and those with
 * nothing pending become ready (wrappers: done, then propagated).
 * Returns the ones blocked again.
 */
export async function settleReopened(
  tx: Tx,
  ids: readonly string[],
  now: number,
): Promise<{ reblocked: string[]; propagation: Propagation }> {
  const propagation: Propagation = { readied: 0, wrappersDone: [] };
  if (ids.length === 0) return { reblocked: [], propagation };
  const culprits = new Set<string>();
  for (const part of chunks(ids, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      SELECT DISTINCT c.id FROM edges e JOIN tasks d ON d.id = e.dep_id
        JOIN tasks c ON c.id = CASE WHEN d.state = 'blocked' THEN d.blocked_by ELSE d.id END
      WHERE e.task_id IN (${list}) AND d.state IN ('failed', 'cancelled', 'blocked')
        AND c.state IN ('failed', 'cancelled')`);
    for (const r of rows) culprits.add(r.id);
  }
  // Sorted, so that a task with several culprits always names the same one.
  for (const culprit of [...culprits].sort()) await blockDependents(tx, culprit, now);
  const reblocked: string[] = [];
  for (const part of chunks(ids, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const settled = await settleWaiting(tx, part, now);
    const more = await propagateDone(tx, settled.wrappersDone, now);
    propagation.readied += settled.readied + more.readied;
    propagation.wrappersDone.push(...settled.wrappersDone, ...more.wrappersDone);
    const rows = await tx.all<{ id: string }>(
      sql`SELECT id FROM tasks WHERE id IN (${list}) AND +state = 'blocked'`,
    );
    reblocked.push(...rows.map((r) => r.id));
  }
  return { reblocked, propagation };
}
