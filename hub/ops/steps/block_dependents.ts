/**
 * A task that failed for good, or was cancelled, blocks everything waiting
 * on it, directly or not; each blocked task names the culprit.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";

/**
 * Marks every waiting task above `culpritId` blocked by it; returns how many.
 * The walk stops at done tasks: a task marked done by hand satisfies what
 * waits on it, whatever its own requirements became.
 */
export async function blockDependents(tx: Tx, culpritId: string, now: number): Promise<number> {
  const rows = await tx.all<{ id: string }>(sql`
    WITH RECURSIVE up(id) AS (
      SELECT task_id FROM edges WHERE dep_id = ${culpritId}
      UNION
      SELECT e.task_id FROM up JOIN tasks t ON t.id = up.id AND t.state != 'done'
        JOIN edges e ON e.dep_id = up.id
    )
    UPDATE tasks SET state = 'blocked', blocked_by = ${culpritId}, updated_at = ${now}
    WHERE id IN (SELECT id FROM up) AND +state = 'waiting'
    RETURNING id`);
  return rows.length;
}
