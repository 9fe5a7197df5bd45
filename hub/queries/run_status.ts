/**
 * A run as the API shows it: its stored state (kept by the operations that
 * change tasks), and its tasks counted (`run_counts`, kept by triggers over
 * its members: see `ops/steps/run_members.ts`).
 */
import { sql } from "drizzle-orm";
import type { RunStatus } from "../../shared/api_schemas.ts";
import type { RunState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";

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

/**
 * A run row with its task counts (kept per run by triggers: no walk of its
 * graph), summary, failed and blocked tasks.
 */
export async function describeRun(db: Reader, run: RunRow): Promise<RunStatus> {
  const rows = await db.all<{ state: string; n: number }>(
    sql`SELECT state, n FROM run_counts WHERE run_id = ${run.id} AND n > 0`,
  );
  const counts: Record<string, number> = {};
  let total = 0;
  let alreadyDone = 0;
  for (const r of rows) {
    if (r.state === "already_done") {
      alreadyDone = r.n;
      continue;
    }
    counts[r.state] = r.n;
    total += r.n;
  }
  const failed = (counts.failed ?? 0) > 0
    ? await db.all<{ id: string; last_error: string | null }>(sql`
      SELECT t.id, t.last_error FROM run_tasks rt JOIN tasks t ON t.id = rt.task_id
      WHERE rt.run_id = ${run.id} AND +t.state = 'failed' ORDER BY t.finished_at LIMIT 20`)
    : [];
  const blocked = (counts.blocked ?? 0) > 0
    ? await db.all<{ id: string; blocked_by: string }>(sql`
      SELECT t.id, t.blocked_by FROM run_tasks rt JOIN tasks t ON t.id = rt.task_id
      WHERE rt.run_id = ${run.id} AND +t.state = 'blocked' ORDER BY t.id LIMIT 20`)
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
