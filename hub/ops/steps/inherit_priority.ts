/**
 * Priority inheritance, as in Luigi: a task runs with the highest priority
 * of anything that needs it, so an urgent run's whole subgraph is urgent.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";

/** Raises the priority of everything below `rootId` to the highest priority above it. */
export async function inheritPriority(tx: Tx, rootId: string): Promise<void> {
  await tx.run(sql`
    WITH RECURSIVE down(id, p) AS (
      SELECT id, priority FROM tasks WHERE id = ${rootId}
      UNION
      SELECT e.dep_id, max(down.p, t.priority)
      FROM edges e JOIN down ON e.task_id = down.id JOIN tasks t ON t.id = e.dep_id
    ),
    best(id, p) AS (SELECT id, max(p) FROM down GROUP BY id)
    UPDATE tasks SET priority = best.p FROM best
    WHERE best.id = tasks.id AND tasks.priority < best.p
      AND tasks.state NOT IN ('done', 'failed', 'cancelled')`);
}
