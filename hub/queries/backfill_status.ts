/**
 * A backfill as the API shows it: its range, how many days were skipped as
 * already complete, submitted, done and failed, and a state derived from
 * the states of its runs.
 */
import { sql } from "drizzle-orm";
import type { RunState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";
import { type BackfillDay, parseBackfillDays } from "../db/backfill_days.ts";

/** One day's run. */
export interface BackfillRun {
  runId: string;
  date: string;
  taskId: string;
  state: RunState;
}

/** A backfill's progress. */
export interface BackfillStatus {
  backfillId: string;
  family: string;
  version: number;
  param: string;
  from: string;
  to: string;
  maxConcurrent: number | null;
  priority: number;
  /** Who created it. */
  submittedBy: string | null;
  createdAt: number;
  /** Every day of the range. */
  days: number;
  /** Days already complete when the backfill was created (no run). */
  skipped: number;
  /** Days with a run so far. */
  submitted: number;
  /** Days not submitted yet (waiting for a free slot). */
  pending: number;
  done: number;
  /** Runs whose root failed, was blocked or was cancelled. */
  failed: number;
  running: number;
  /** `done` when every day not skipped is done; `failed` when all ended and any did not. */
  state: "running" | "done" | "failed";
  /** With `runs: true` only, in date order. */
  runs?: BackfillRun[];
}

interface BackfillRow {
  id: string;
  family: string;
  version: number;
  param: string;
  dates: string;
  max_concurrent: number | null;
  priority: number;
  submitted_by: string | null;
  created_at: number;
}

/** The backfill, or undefined; with `runs`, each day's run too. */
export async function backfillStatus(
  db: Reader,
  id: string,
  options: { runs?: boolean } = {},
): Promise<BackfillStatus | undefined> {
  const [row] = await db.all<BackfillRow>(sql`SELECT * FROM backfills WHERE id = ${id}`);
  return row ? await describe(db, row, options.runs ?? false) : undefined;
}

/** The most recent backfills first, without their runs. */
export async function listBackfills(db: Reader, limit: number): Promise<BackfillStatus[]> {
  const rows = await db.all<BackfillRow>(
    sql`SELECT * FROM backfills ORDER BY created_at DESC, rowid DESC LIMIT ${limit}`,
  );
  const out: BackfillStatus[] = [];
  for (const row of rows) out.push(await describe(db, row, false));
  return out;
}

async function describe(db: Reader, b: BackfillRow, withRuns: boolean): Promise<BackfillStatus> {
  const days = parseBackfillDays(b.dates);
  const runs = await db.all<{ run_id: string; task_id: string; state: RunState }>(sql`
    SELECT id AS run_id, root_task_id AS task_id, state FROM runs
    WHERE backfill_id = ${b.id} ORDER BY created_at, id`);
  const byTask = new Map<string, BackfillDay>(days.map((d) => [d.taskId, d]));
  const dayRuns: BackfillRun[] = runs.map((r) => ({
    runId: r.run_id,
    date: byTask.get(r.task_id)?.date ?? "",
    taskId: r.task_id,
    state: r.state,
  }));
  const count = (state: BackfillRun["state"]) => dayRuns.filter((r) => r.state === state).length;
  const skipped = days.filter((d) => d.skipped).length;
  const done = count("done");
  const failed = count("failed") + count("cancelled");
  const running = count("running");
  const pending = days.length - skipped - dayRuns.length;
  const state = pending > 0 || running > 0 ? "running" : failed > 0 ? "failed" : "done";
  dayRuns.sort((x, y) => x.date.localeCompare(y.date) || x.runId.localeCompare(y.runId));
  return {
    backfillId: b.id,
    family: b.family,
    version: b.version,
    param: b.param,
    from: days[0]?.date ?? "",
    to: days.at(-1)?.date ?? "",
    maxConcurrent: b.max_concurrent,
    priority: b.priority,
    submittedBy: b.submitted_by ?? null,
    createdAt: b.created_at,
    days: days.length,
    skipped,
    submitted: dayRuns.length,
    pending,
    done,
    failed,
    running,
    state,
    ...(withRuns ? { runs: dayRuns } : {}),
  };
}
