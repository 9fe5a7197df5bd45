/**
 * A run's state and its tasks, found by walking the dependency edges down
 * from the root (tasks are shared between runs, so membership is derived).
 */
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.ts";

/** Counts of a run's tasks per state. */
export type StateCounts = Record<string, number>;

/** A run as the API shows it. */
export interface RunStatus {
  runId: string;
  rootTaskId: string;
  family: string;
  params: unknown;
  state: "running" | "done" | "failed" | "cancelled";
  createdAt: number;
  finishedAt: number | null;
  total: number;
  counts: StateCounts;
  /** Tasks that failed permanently, with their last error. */
  failed: Array<{ taskId: string; error: unknown }>;
  /** Tasks that cannot run because a requirement failed or was cancelled, with the culprit. */
  blocked: Array<{ taskId: string; blockedBy: string }>;
  /** Luigi's execution summary: what this run found done, did, failed at, and has left. */
  summary: RunSummary;
}

/** A run's tasks by outcome, for the end-of-run summary. */
export interface RunSummary {
  /** Done before the run was submitted (outputs existed, or another run made them). */
  alreadyDone: number;
  /** Done since the run was submitted. */
  completed: number;
  failed: number;
  /** Cannot run: a requirement failed or was cancelled. */
  blocked: number;
  cancelled: number;
  /** Not finished yet: waiting, ready or leased. */
  pending: number;
}

const SUBGRAPH = (root: string) =>
  sql`WITH RECURSIVE sub(id) AS (
    SELECT ${root} UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)`;

/** The run, or undefined. The state is derived: done when the root is, failed when any task is. */
export async function runStatus(db: Db | Tx, runId: string): Promise<RunStatus | undefined> {
  const [run] = await db.all<{
    id: string;
    root_task_id: string;
    family: string;
    params: string;
    state: string;
    created_at: number;
    finished_at: number | null;
  }>(sql`SELECT * FROM runs WHERE id = ${runId}`);
  if (!run) return undefined;
  const rows = await db.all<{ state: string; n: number; before: number }>(sql`
    ${SUBGRAPH(run.root_task_id)}
    SELECT t.state, count(*) AS n,
      sum(t.state = 'done' AND (t.finished_at < ${run.created_at} OR EXISTS (
        SELECT 1 FROM publications p WHERE p.task_id = t.id AND p.kind = 'found'))) AS before
    FROM tasks t JOIN sub ON t.id = sub.id GROUP BY t.state`);
  const counts: StateCounts = {};
  let total = 0;
  let alreadyDone = 0;
  for (const r of rows) {
    counts[r.state] = r.n;
    total += r.n;
    alreadyDone += Number(r.before ?? 0);
  }
  const failedRows = (counts.failed ?? 0) > 0
    ? await db.all<{ id: string; last_error: string | null }>(sql`
      ${SUBGRAPH(run.root_task_id)}
      SELECT t.id, t.last_error FROM tasks t JOIN sub ON t.id = sub.id
      WHERE t.state = 'failed' ORDER BY t.finished_at LIMIT 20`)
    : [];
  const blockedRows = (counts.blocked ?? 0) > 0
    ? await db.all<{ id: string; blocked_by: string }>(sql`
      ${SUBGRAPH(run.root_task_id)}
      SELECT t.id, t.blocked_by FROM tasks t JOIN sub ON t.id = sub.id
      WHERE t.state = 'blocked' ORDER BY t.id LIMIT 20`)
    : [];
  const [root] = await db.all<{ state: string; finished_at: number | null }>(
    sql`SELECT state, finished_at FROM tasks WHERE id = ${run.root_task_id}`,
  );
  const state = root?.state === "done"
    ? "done"
    : failedRows.length > 0
    ? "failed"
    : root?.state === "cancelled" || (counts.cancelled ?? 0) > 0
    ? "cancelled"
    : "running";
  return {
    runId: run.id,
    rootTaskId: run.root_task_id,
    family: run.family,
    params: JSON.parse(run.params),
    state,
    createdAt: run.created_at,
    finishedAt: state === "running" ? null : run.finished_at ?? root?.finished_at ?? null,
    total,
    counts,
    failed: failedRows.map((r) => ({
      taskId: r.id,
      error: r.last_error ? JSON.parse(r.last_error) : null,
    })),
    blocked: blockedRows.map((r) => ({ taskId: r.id, blockedBy: r.blocked_by })),
    summary: {
      alreadyDone,
      completed: (counts.done ?? 0) - alreadyDone,
      failed: counts.failed ?? 0,
      blocked: counts.blocked ?? 0,
      cancelled: counts.cancelled ?? 0,
      pending: (counts.waiting ?? 0) + (counts.ready ?? 0) + (counts.leased ?? 0),
    },
  };
}

/** The ids of a run's tasks (for `GET /api/tasks?run=`). */
export function runTaskIds(rootTaskId: string) {
  return sql`${SUBGRAPH(rootTaskId)} SELECT id FROM sub`;
}
