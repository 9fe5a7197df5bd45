/** Tasks in id order, filtered by run, state and family, a page at a time. */
import { sql } from "drizzle-orm";
import type { Task } from "../../shared/api_schemas.ts";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";
import { runTaskIds } from "../db/subgraph.ts";
import { TASK_COLUMNS, type TaskRow, toTask } from "./task_view.ts";

/** A page of tasks; `next` is the `after` of the next page (null at the end). */
export async function listTasks(
  db: Reader,
  q: { rootTaskId?: string; state?: TaskState; family?: string; limit: number; after?: string },
  now: number,
): Promise<{ tasks: Task[]; next: string | null }> {
  const conditions = [sql`1 = 1`];
  if (q.rootTaskId) conditions.push(sql`id IN (${runTaskIds(q.rootTaskId)})`);
  if (q.state) conditions.push(sql`state = ${q.state}`);
  if (q.family) conditions.push(sql`family = ${q.family}`);
  if (q.after) conditions.push(sql`id > ${q.after}`);
  const rows = await db.all<TaskRow>(sql`SELECT ${TASK_COLUMNS} FROM tasks
    WHERE ${sql.join(conditions, sql` AND `)} ORDER BY id LIMIT ${q.limit}`);
  // A full page may have more behind it.
  const next = rows.length === q.limit ? rows[rows.length - 1]!.id : null;
  return { tasks: rows.map((r) => toTask(r, now)), next };
}
