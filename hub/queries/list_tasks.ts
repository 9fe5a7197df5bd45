/** Tasks in id order, filtered by run, state and family, a page at a time. */
import { sql } from "drizzle-orm";
import type { Task } from "../../shared/api_schemas.ts";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";
import { TASK_COLUMNS, type TaskRow, toTask } from "./task_view.ts";

/**
 * A page of tasks; `next` is the `after` of the next page (null at the end).
 * Filtered by run, the page is read along the run's members (`run_tasks`,
 * in task id order), so it costs the page, not the database.
 */
export async function listTasks(
  db: Reader,
  q: { runId?: string; state?: TaskState; family?: string; limit: number; after?: string },
  now: number,
): Promise<{ tasks: Task[]; next: string | null }> {
  const conditions = [sql`1 = 1`];
  // With a run, its members lead (unary + keeps the planner off tasks_state_idx).
  const state = q.runId ? sql`+state` : sql`state`;
  if (q.state) conditions.push(sql`${state} = ${q.state}`);
  if (q.family) conditions.push(sql`family = ${q.family}`);
  const rows = q.runId
    ? await db.all<TaskRow>(sql`SELECT ${TASK_COLUMNS} FROM run_tasks rt
      JOIN tasks ON tasks.id = rt.task_id
      WHERE rt.run_id = ${q.runId} ${q.after ? sql`AND rt.task_id > ${q.after}` : sql``}
        AND ${sql.join(conditions, sql` AND `)}
      ORDER BY rt.task_id LIMIT ${q.limit}`)
    : await db.all<TaskRow>(sql`SELECT ${TASK_COLUMNS} FROM tasks
      WHERE ${sql.join(conditions, sql` AND `)} ${q.after ? sql`AND id > ${q.after}` : sql``}
      ORDER BY id LIMIT ${q.limit}`);
  // A full page may have more behind it.
  const next = rows.length === q.limit ? rows[rows.length - 1]!.id : null;
  return { tasks: rows.map((r) => toTask(r, now)), next };
}
