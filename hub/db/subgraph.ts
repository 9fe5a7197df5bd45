/**
 * A run's tasks are not stored: tasks are shared between runs, so a run is
 * its root and everything below it along the dependency edges.
 */
import { type SQL, sql } from "drizzle-orm";

/** `WITH RECURSIVE sub(id)`: the task `rootId` and everything it requires, transitively. */
export function subgraphOf(rootId: string): SQL {
  return sql`WITH RECURSIVE sub(id) AS (
    SELECT ${rootId} UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)`;
}

/** The ids of the run rooted at `rootId`, as a subquery. */
export function runTaskIds(rootId: string): SQL {
  return sql`${subgraphOf(rootId)} SELECT id FROM sub`;
}
