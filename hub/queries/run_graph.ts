/** The tasks of a run now: its root and everything below it along the edges. */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** The ids of run `runId`'s tasks, or null when there is no such run. */
export async function runGraph(db: Reader, runId: string): Promise<Set<string> | null> {
  const rows = await db.all<{ id: string }>(sql`WITH RECURSIVE sub(id) AS (
      SELECT root_task_id FROM runs WHERE id = ${runId}
      UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)
    SELECT id FROM sub`);
  return rows.length === 0 ? null : new Set(rows.map((r) => r.id));
}
