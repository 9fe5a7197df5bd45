/**
 * A run's whole task graph in one statement (one snapshot): its tasks with
 * their requirements, and the newest event id, so a client that follows
 * the event stream after that id misses nothing and counts nothing twice.
 * One row per task (requirements joined into one text): for 10,000 tasks,
 * rows are what costs, not bytes. Parameters are read apart, for the tasks
 * drawn only (`taskParams`): they never change for a task id.
 */
import { sql } from "drizzle-orm";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";

/** One task of the graph. */
export interface GraphTaskRow {
  id: string;
  family: string;
  state: TaskState;
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

/** Separates requirement ids in the joined text (task ids have no line breaks). */
const SEPARATOR = "\n";

/** Run `runId`'s tasks and edges, or undefined when there is no such run. */
export async function runGraphRows(db: Reader, runId: string): Promise<RunGraphRows | undefined> {
  // Tasks are shared between runs: membership is the walk down from the root.
  // The first row (id NULL) carries the root and the newest event id.
  const rows = await db.values<
    [string | null, string | null, string | null, string | null]
  >(
    sql`WITH RECURSIVE sub(id) AS (
      SELECT root_task_id FROM runs WHERE id = ${runId}
      UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)
    SELECT NULL, (SELECT root_task_id FROM runs WHERE id = ${runId}),
      CAST((SELECT max(id) FROM events) AS TEXT), NULL
    UNION ALL
    SELECT t.id, t.family, t.state,
      (SELECT group_concat(e.dep_id, ${SEPARATOR}) FROM edges e WHERE e.task_id = t.id)
    FROM tasks t JOIN sub ON t.id = sub.id`,
  );
  let rootTaskId: string | null = null;
  let version = 0;
  const tasks: GraphTaskRow[] = [];
  const edges: Array<[string, string]> = [];
  for (const row of rows) {
    // libSQL's rows are array-like, not iterable.
    const [id, family, state, deps] = [row[0], row[1], row[2], row[3]];
    if (id === null) {
      rootTaskId = family;
      version = Number(state ?? 0);
      continue;
    }
    tasks.push({ id, family: family!, state: state as TaskState });
    if (deps) { for (const dep of deps.split(SEPARATOR)) edges.push([id, dep]); }
  }
  return rootTaskId === null ? undefined : { runId, rootTaskId, version, tasks, edges };
}

/** The stored params JSON of the tasks `ids`, by id (one statement). */
export async function taskParams(db: Reader, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.values<[string, string]>(sql`SELECT id, params FROM tasks
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((row) => [row[0], row[1]]));
}
