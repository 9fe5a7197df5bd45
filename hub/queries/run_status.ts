/**
 * A run as the API shows it: its stored state (kept by the operations that
 * change tasks), and its tasks counted by walking the dependency edges down
 * from the root (tasks are shared between runs, so membership is derived).
 */
import { sql } from "drizzle-orm";
import type { RunStatus } from "../../shared/api_schemas.ts";
import type { RunState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";
import { subgraphOf } from "../db/subgraph.ts";

export type { RunStatus };

/** A `runs` row. */
export interface RunRow {
  id: string;
  root_task_id: string;
  family: string;
  params: string;
  state: RunState;
  submitted_by: string | null;
  created_at: number;
  finished_at: number | null;
}

/** The run, or undefined. */
export async function runStatus(db: Reader, runId: string): Promise<RunStatus | undefined> {
  const [run] = await db.all<RunRow>(sql`SELECT * FROM runs WHERE id = ${runId}`);
  return run ? await describeRun(db, run) : undefined;
}

/** A run row with its task counts, summary, failed and blocked tasks. */
export async function describeRun(db: Reader, run: RunRow): Promise<RunStatus> {
  const rows = await db.all<{ state: string; n: number; before: number }>(sql`
    ${subgraphOf(run.root_task_id)}
    SELECT t.state, count(*) AS n,
      sum(t.state = 'done' AND (t.finished_at < ${run.created_at} OR EXISTS (
        SELECT 1 FROM publications p WHERE p.task_id = t.id AND p.kind = 'found'))) AS before
    FROM tasks t JOIN sub ON t.id = sub.id GROUP BY t.state`);
  const counts: Record<string, number> = {};
  let total = 0;
  let alreadyDone = 0;
  for (const r of rows) {
    counts[r.state] = r.n;
    total += r.n;
    alreadyDone += Number(r.before ?? 0);
  }
  const failed = (counts.failed ?? 0) > 0
    ? await db.all<{ id: string; last_error: string | null }>(sql`
      ${subgraphOf(run.root_task_id)}
      SELECT t.id, t.last_error FROM tasks t JOIN sub ON t.id = sub.id
      WHERE +t.state = 'failed' ORDER BY t.finished_at LIMIT 20`)
    : [];
  const blocked = (counts.blocked ?? 0) > 0
    ? await db.all<{ id: string; blocked_by: string }>(sql`
      ${subgraphOf(run.root_task_id)}
      SELECT t.id, t.blocked_by FROM tasks t JOIN sub ON t.id = sub.id
      WHERE +t.state = 'blocked' ORDER BY t.id LIMIT 20`)
    : [];
  return {
    runId: run.id,
    rootTaskId: run.root_task_id,
    family: run.family,
    params: JSON.parse(run.params),
    state: run.state,
    submittedBy: run.submitted_by ?? null,
    createdAt: run.created_at,
    finishedAt: run.finished_at,
    total,
    counts,
    failed: failed.map((r) => ({
      taskId: r.id,
      error: r.last_error ? JSON.parse(r.last_error) : null,
    })),
    blocked: blocked.map((r) => ({ taskId: r.id, blockedBy: r.blocked_by })),
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
