/**
 * A run's whole task graph in one statement (one snapshot): its tasks, the
 * edges between them, and the newest event id, so a client that follows the
 * event stream after that id misses nothing and counts nothing twice.
 */
import { sql } from "drizzle-orm";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";

/** One task of the graph; `params` is the stored JSON text (parsed only for what is drawn). */
export interface GraphTaskRow {
  id: string;
  family: string;
  state: TaskState;
  params: string;
}

/** A run's tasks and edges as stored. */
export interface RunGraphRows {
  runId: string;
  rootTaskId: string;
  /** The newest event id when the statement read the tables. */
  version: number;
  tasks: GraphTaskRow[];
  /** `[task, requirement]` pairs. */
  edges: Array<[string, string]>;
}

interface Row {
  k: "v" | "t" | "e";
  a: string | number | null;
  b: string | null;
  c: string | null;
  d: string | null;
}

/** Run `runId`'s tasks and edges, or undefined when there is no such run. */
export async function runGraphRows(db: Reader, runId: string): Promise<RunGraphRows | undefined> {
  // Tasks are shared between runs: membership is the walk down from the root.
  const rows = await db.all<Row>(sql`WITH RECURSIVE sub(id) AS (
      SELECT root_task_id FROM runs WHERE id = ${runId}
      UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)
    SELECT 'v' AS k, (SELECT max(id) FROM events) AS a,
      (SELECT root_task_id FROM runs WHERE id = ${runId}) AS b, NULL AS c, NULL AS d
    UNION ALL
    SELECT 't', t.id, t.family, t.state, t.params FROM tasks t JOIN sub ON t.id = sub.id
    UNION ALL
    SELECT 'e', e.task_id, e.dep_id, NULL, NULL FROM edges e JOIN sub ON e.task_id = sub.id`);
  let rootTaskId: string | null = null;
  let version = 0;
  const tasks: GraphTaskRow[] = [];
  const edges: Array<[string, string]> = [];
  for (const r of rows) {
    if (r.k === "t") {
      tasks.push({ id: String(r.a), family: r.b!, state: r.c as TaskState, params: r.d ?? "{}" });
    } else if (r.k === "e") edges.push([String(r.a), r.b!]);
    else {
      rootTaskId = r.b;
      version = Number(r.a ?? 0);
    }
  }
  return rootTaskId === null ? undefined : { runId, rootTaskId, version, tasks, edges };
}
