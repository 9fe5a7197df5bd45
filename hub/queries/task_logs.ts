/** A task's stored log lines, in id order, a page at a time. */
import { sql } from "drizzle-orm";
import type { StoredLogLine } from "../../shared/api_schemas_logs.ts";
import type { Reader } from "../db/client.ts";

/** Which lines of a task's log. */
export interface TaskLogQuery {
  taskId: string;
  /** Only the lines of this attempt. */
  attempt?: number;
  /** Only lines with a greater id. */
  after?: number;
  limit: number;
}

interface Row {
  id: number;
  attempt: number;
  epoch: number;
  worker_id: string;
  at: number;
  level: StoredLogLine["level"];
  message: string;
  fields: string | null;
  dropped: number;
}

/** Up to `q.limit` lines of the task after `q.after`, oldest first. */
export async function taskLogLines(db: Reader, q: TaskLogQuery): Promise<StoredLogLine[]> {
  const conditions = [sql`task_id = ${q.taskId}`, sql`id > ${q.after ?? 0}`];
  if (q.attempt !== undefined) conditions.push(sql`attempt = ${q.attempt}`);
  const rows = await db.all<Row>(sql`SELECT id, attempt, epoch, worker_id, at, level, message,
      fields, dropped
    FROM task_logs WHERE ${sql.join(conditions, sql` AND `)} ORDER BY id LIMIT ${q.limit}`);
  return rows.map((r) => ({
    id: r.id,
    attempt: r.attempt,
    epoch: r.epoch,
    workerId: r.worker_id,
    at: r.at,
    level: r.level,
    msg: r.message,
    fields: r.fields === null ? null : JSON.parse(r.fields),
    dropped: r.dropped,
  }));
}
