/**
 * What retention would delete now (`drover db prune --dry-run`): the runs
 * and backfills past their age, the audit entries past theirs, and the tasks
 * that no kept run and no unsettled or recent task reaches, with their
 * attempts, publications and log lines. Counts only; nothing is written.
 * It walks the whole graph once, so it is for an operator, not a timer.
 */
import { sql } from "drizzle-orm";
import type { PruneCounts } from "../../shared/api_schemas_db.ts";
import type { Reader } from "../db/client.ts";
import { runGone } from "../ops/prune_runs.ts";

/** The cutoffs (ms since the epoch; null: kept forever). */
export interface PruneCutoffs {
  runsBefore: number | null;
  auditBefore: number | null;
}

/** Rows retention would delete. */
export type PrunePreview = PruneCounts;

/** Counts what retention would delete with these cutoffs. */
export async function prunePreview(db: Reader, cutoffs: PruneCutoffs): Promise<PrunePreview> {
  const audit = cutoffs.auditBefore === null ? 0 : (await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM audit_log WHERE at < ${cutoffs.auditBefore}`,
  ))[0]!.n;
  const before = cutoffs.runsBefore;
  if (before === null) {
    return { runs: 0, backfills: 0, tasks: 0, attempts: 0, publications: 0, taskLogs: 0, audit };
  }
  const [counts] = await db.all<Omit<PrunePreview, "audit" | "backfills">>(sql`
    WITH RECURSIVE keep(id) AS (
      SELECT r.root_task_id FROM runs r WHERE NOT (${runGone(before)})
      UNION SELECT id FROM tasks
        WHERE NOT (state IN ('done', 'failed', 'cancelled', 'blocked') AND updated_at < ${before})
      UNION SELECT e.dep_id FROM edges e JOIN keep k ON e.task_id = k.id
    ),
    gone AS (SELECT id FROM tasks WHERE id NOT IN (SELECT id FROM keep))
    SELECT
      (SELECT count(*) FROM runs r WHERE ${runGone(before)}) AS runs,
      (SELECT count(*) FROM gone) AS tasks,
      (SELECT count(*) FROM attempts WHERE task_id IN (SELECT id FROM gone)) AS attempts,
      (SELECT count(*) FROM publications WHERE task_id IN (SELECT id FROM gone)) AS publications,
      (SELECT count(*) FROM task_logs WHERE task_id IN (SELECT id FROM gone)) AS taskLogs`);
  const [backfills] = await db.all<{ n: number }>(sql`
    SELECT count(*) AS n FROM backfills b WHERE NOT EXISTS (
      SELECT 1 FROM runs r WHERE r.backfill_id = b.id AND NOT (${runGone(before)}))
      AND b.next_index >= json_array_length(b.dates) AND b.created_at < ${before}`);
  return { ...counts!, backfills: backfills!.n, audit };
}
