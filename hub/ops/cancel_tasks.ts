/**
 * Cancellation: tasks end as `cancelled` (whatever runs them is told to
 * stop and publishes nothing), and what waits on them is blocked.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { runTaskIds } from "../db/subgraph.ts";
import { blockDependents } from "./steps/block_dependents.ts";
import { refreshRunStates } from "./steps/run_states.ts";

/** A lease taken back by a cancellation: its worker must be told. */
export interface RevokedLease {
  taskId: string;
  epoch: number;
  workerId: string;
}

/**
 * Cancels the tasks among `ids` that are not final; returns them (and the
 * family of each, in the same order), and the leases revoked. One
 * transaction: a cancelled task has no open attempt, everything waiting on
 * it is blocked by it, and its runs say cancelled.
 */
export async function cancelTasks(
  tx: Tx,
  ids: readonly string[],
  reason: string,
  now: number,
): Promise<{ cancelled: string[]; families: string[]; revoked: RevokedLease[] }> {
  const cancelled: string[] = [];
  const families: string[] = [];
  const revoked: RevokedLease[] = [];
  const error = JSON.stringify({ name: "TaskCancelledError", message: reason, retryable: false });
  for (const part of chunks(ids, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const leased = await tx.all<{ id: string; lease_epoch: number; lease_owner: string }>(sql`
      SELECT id, lease_epoch, lease_owner FROM tasks WHERE id IN (${list}) AND +state = 'leased'`);
    const rows = await tx.all<{ id: string; family: string }>(sql`
      UPDATE tasks SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
        last_error = ${error}, status_message = ${reason}, finished_at = ${now}, updated_at = ${now}
      WHERE id IN (${list}) AND state NOT IN ('done', 'failed', 'cancelled')
      RETURNING id, family`);
    for (const l of leased) {
      revoked.push({ taskId: l.id, epoch: l.lease_epoch, workerId: l.lease_owner });
      await tx.run(sql`
        UPDATE attempts SET ended_at = ${now}, outcome = 'cancelled', error = ${error}
        WHERE task_id = ${l.id} AND epoch = ${l.lease_epoch}`);
    }
    cancelled.push(...rows.map((r) => r.id));
    families.push(...rows.map((r) => r.family));
  }
  for (const id of cancelled) await blockDependents(tx, id, now);
  await refreshRunStates(tx, cancelled, now);
  return { cancelled, families, revoked };
}

/** Cancels every unfinished task of the run rooted at `rootTaskId`, as {@link cancelTasks}. */
export async function cancelRunTasks(
  tx: Tx,
  rootTaskId: string,
  reason: string,
  now: number,
): Promise<{ cancelled: string[]; families: string[]; revoked: RevokedLease[] }> {
  const rows = await tx.all<{ id: string }>(sql`
    SELECT id FROM tasks WHERE state NOT IN ('done', 'failed', 'cancelled')
      AND id IN (${runTaskIds(rootTaskId)})
    ORDER BY id`);
  return await cancelTasks(tx, rows.map((r) => r.id), reason, now);
}
