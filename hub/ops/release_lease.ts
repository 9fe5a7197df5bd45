/**
 * A worker hands a lease back (over-grant, shutdown): the task is ready again
 * at once, without waiting for the TTL, and without losing a retry.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Returns a lease to the queue, closing its attempt with it; false when it was not current. */
export async function releaseLease(
  tx: Tx,
  taskId: string,
  epoch: number,
  reason: string,
  now: number,
  workerId: string,
): Promise<boolean> {
  const rows = await tx.all<{ id: string }>(sql`
    UPDATE tasks SET state = 'ready', lease_owner = NULL, lease_expires_at = NULL,
      next_attempt_at = ${now}, updated_at = ${now},
      -- The grant counted an attempt; a hand-back is not a failure, so it must
      -- not eat the retry budget (attempts themselves never go down).
      max_attempts = max_attempts + CASE WHEN kind = 'run' THEN 1 ELSE 0 END
    WHERE id = ${taskId} AND state = 'leased' AND lease_epoch = ${epoch} AND lease_owner = ${workerId}
    RETURNING id`);
  if (rows.length === 0) return false;
  await tx.run(sql`
    UPDATE attempts SET ended_at = ${now}, outcome = 'released', error = ${reason}
    WHERE task_id = ${taskId} AND epoch = ${epoch}`);
  return true;
}
