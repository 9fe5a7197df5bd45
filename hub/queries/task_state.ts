/** One task's state, and the root of one run: the lookups the API's actions start with. */
import { sql } from "drizzle-orm";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";

/** The state of task `id`, or undefined when it does not exist. */
export async function taskState(db: Reader, id: string): Promise<TaskState | undefined> {
  const [row] = await db.all<{ state: TaskState }>(sql`SELECT state FROM tasks WHERE id = ${id}`);
  return row?.state;
}

/** The root task of run `runId`, or undefined when there is no such run. */
export async function runRoot(db: Reader, runId: string): Promise<string | undefined> {
  const [row] = await db.all<{ root_task_id: string }>(
    sql`SELECT root_task_id FROM runs WHERE id = ${runId}`,
  );
  return row?.root_task_id;
}
