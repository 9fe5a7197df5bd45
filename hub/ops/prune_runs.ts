/**
 * Retention of finished runs: a run that finished before the cutoff loses
 * its `runs` row here; its tasks go afterwards, once nothing kept needs
 * them (`prune_tasks.ts`). A backfill goes as a whole, when every day was
 * launched and its last run finished before the cutoff; until then its runs
 * stay, so its counts stay true. The audit log has its own, longer cutoff.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Runs (and backfills, and audit entries) deleted per call. */
export const RUN_PRUNE_BATCH = 100;
/** A run's members (`run_tasks`) deleted per call at most. */
export const MEMBER_PRUNE_BATCH = 500;

/** SQL: a backfill every day of which was launched and whose runs all finished before `before`. */
function backfillGone(before: number) {
  return sql`b.next_index >= json_array_length(b.dates) AND b.created_at < ${before}
    AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.backfill_id = b.id
      AND (r.finished_at IS NULL OR r.finished_at >= ${before}))`;
}

/** SQL: a run that retention deletes (alias `r`). */
export function runGone(before: number) {
  return sql`r.finished_at IS NOT NULL AND r.finished_at < ${before} AND r.state <> 'running'
    AND (r.backfill_id IS NULL OR NOT EXISTS (SELECT 1 FROM backfills b
      WHERE b.id = r.backfill_id AND NOT (${backfillGone(before)})))`;
}

/** What one call deleted. */
export interface PrunedRuns {
  runs: number;
  /** Rows of `run_tasks` (a run's members go before it). */
  members: number;
  backfills: number;
  audit: number;
}

/**
 * Deletes up to {@link RUN_PRUNE_BATCH} finished runs older than
 * `runsBefore` (oldest first, by `runs_finished_idx`), as many finished
 * backfills, and as many audit entries older than `auditBefore`.
 */
export async function pruneRuns(
  tx: Tx,
  cutoffs: { runsBefore: number | null; auditBefore: number | null },
): Promise<PrunedRuns> {
  const out: PrunedRuns = { runs: 0, members: 0, backfills: 0, audit: 0 };
  const before = cutoffs.runsBefore;
  if (before !== null) {
    const ids = (await tx.all<{ id: string }>(sql`
      SELECT r.id FROM runs r INDEXED BY runs_finished_idx
      WHERE r.finished_at IS NOT NULL AND ${runGone(before)}
      ORDER BY r.finished_at LIMIT ${RUN_PRUNE_BATCH}`)).map((r) => r.id);
    if (ids.length > 0) {
      const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
      // Its members first, a bounded number a batch; the run once it has none.
      out.members = (await tx.run(sql`DELETE FROM run_tasks WHERE rowid IN (
        SELECT rowid FROM run_tasks WHERE run_id IN (${list}) LIMIT ${MEMBER_PRUNE_BATCH})`))
        .rowsAffected;
      out.runs = (await tx.run(sql`DELETE FROM runs WHERE id IN (${list})
        AND NOT EXISTS (SELECT 1 FROM run_tasks rt WHERE rt.run_id = runs.id)`)).rowsAffected;
      await tx.run(sql`DELETE FROM run_counts WHERE run_id IN (${list})
        AND run_id NOT IN (SELECT id FROM runs WHERE id IN (${list}))`);
    }
    // A webhook delivery's or stream message's key stays while its run does (a
    // repeat finds the run); once the run is gone, so is the key. (Not counted.)
    for (const table of [sql.raw("hook_deliveries"), sql.raw("trigger_deliveries")]) {
      await tx.run(sql`DELETE FROM ${table} WHERE rowid IN (
        SELECT d.rowid FROM ${table} d WHERE d.received_at < ${before}
          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = d.run_id)
        LIMIT ${RUN_PRUNE_BATCH})`);
    }
    // A backfill whose runs are all gone goes too (its runs went first, above).
    out.backfills = (await tx.run(sql`DELETE FROM backfills WHERE id IN (
      SELECT b.id FROM backfills b WHERE ${backfillGone(before)}
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.backfill_id = b.id)
      LIMIT ${RUN_PRUNE_BATCH})`)).rowsAffected;
  }
  if (cutoffs.auditBefore !== null) {
    out.audit = (await tx.run(sql`DELETE FROM audit_log WHERE id IN (
      SELECT id FROM audit_log WHERE at < ${cutoffs.auditBefore}
      ORDER BY at LIMIT ${RUN_PRUNE_BATCH})`)).rowsAffected;
  }
  return out;
}
