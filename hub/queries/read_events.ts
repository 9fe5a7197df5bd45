/**
 * The events table as the stream reads it: a page of events after a cursor,
 * filtered in SQL as far as SQL can (kinds, a task, a run's own events).
 */
import { type SQL, sql } from "drizzle-orm";
import { type HubEvent, TASK_EVENT_KINDS } from "../../shared/api_schemas_events.ts";
import type { Reader } from "../db/client.ts";

/** Which page of events to read. */
export interface EventPage {
  /** Events with an id above this… */
  after: number;
  /** …and at most this one (an id known to be committed, with all below it). */
  upto: number;
  limit: number;
  /** Only these kinds; null: all. */
  kinds: readonly string[] | null;
  /** Only events of this task (and runs rooted at it). */
  taskId: string | null;
  /**
   * Only the events of this run and the task events of any task: the caller
   * keeps those of the tasks in the run's graph (see `event_subscription.ts`).
   */
  runId: string | null;
}

interface EventRow {
  id: number;
  at: number;
  kind: string;
  run_id: string | null;
  task_id: string | null;
  worker_id: string | null;
  data: string;
}

/** Up to `limit` events in `(after, upto]` that pass the filters, in id order. */
export async function readEvents(db: Reader, page: EventPage): Promise<HubEvent[]> {
  const where: SQL[] = [sql`id > ${page.after}`, sql`id <= ${page.upto}`];
  if (page.kinds) where.push(sql`kind IN (${inList(page.kinds)})`);
  if (page.taskId !== null) where.push(sql`task_id = ${page.taskId}`);
  if (page.runId !== null) {
    where.push(sql`(run_id = ${page.runId} OR kind IN (${inList(TASK_EVENT_KINDS)}))`);
  }
  const rows = await db.all<EventRow>(sql`
    SELECT id, at, kind, run_id, task_id, worker_id, data FROM events
    WHERE ${sql.join(where, sql` AND `)} ORDER BY id LIMIT ${page.limit}`);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    atIso: new Date(r.at).toISOString(),
    kind: r.kind,
    runId: r.run_id,
    taskId: r.task_id,
    workerId: r.worker_id,
    data: JSON.parse(r.data),
  }));
}

function inList(values: readonly string[]): SQL {
  return sql.join(values.map((v) => sql`${v}`), sql`, `);
}
