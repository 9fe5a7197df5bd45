/**
 * Creating a backfill: one run of a family per day, days whose task is
 * already done marked skipped (they never get a run).
 */
import { sql } from "drizzle-orm";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { BackfillDay } from "../db/backfill_days.ts";
import type { Tx } from "../db/client.ts";

/** A validated backfill: its days carry their params and task ids. */
export interface NewBackfill {
  id: string;
  family: string;
  version: number;
  param: string;
  /** The other parameters, the same every day. */
  params: Record<string, unknown>;
  days: BackfillDay[];
  maxConcurrent: number | null;
  priority: number;
  /** Who created it; its runs carry the same. */
  submittedBy?: string | null;
  now: number;
}

/**
 * Stores the backfill; returns how many days were skipped as complete. The
 * check and the insert share the write transaction, so a day done by then
 * is skipped and one done later is submitted (and finds its task done).
 */
export async function createBackfill(tx: Tx, b: NewBackfill): Promise<number> {
  const done = await tx.all<{ id: string }>(sql`SELECT id FROM tasks
    WHERE +state = 'done' AND id IN (SELECT value FROM json_each(${
    JSON.stringify(b.days.map((d) => d.taskId))
  }))`);
  const complete = new Set(done.map((r) => r.id));
  const days = b.days.map((d) => complete.has(d.taskId) ? { ...d, skipped: true } : d);
  await tx.run(sql`
    INSERT INTO backfills (id, family, version, param, params, dates, next_index,
      max_concurrent, priority, submitted_by, created_at)
    VALUES (${b.id}, ${b.family}, ${b.version}, ${b.param}, ${canonicalJson(b.params)},
      ${JSON.stringify(days)}, 0, ${b.maxConcurrent}, ${b.priority}, ${b.submittedBy ?? null},
      ${b.now})`);
  return complete.size;
}
