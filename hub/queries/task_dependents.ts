/** The tasks that require a task (its dependents), with their states. */
import { sql } from "drizzle-orm";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";

/** Up to `limit` dependents of task `id`, in id order. */
export async function taskDependents(
  db: Reader,
  id: string,
  limit = 200,
): Promise<Array<{ id: string; state: TaskState }>> {
  return await db.all<{ id: string; state: TaskState }>(sql`
    SELECT t.id, t.state FROM edges e JOIN tasks t ON t.id = e.task_id
    WHERE e.dep_id = ${id} ORDER BY t.id LIMIT ${limit}`);
}
