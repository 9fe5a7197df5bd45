/**
 * Backfills: submits the next days of each backfill while fewer than its
 * `maxConcurrent` runs are unfinished. Called on every dispatch tick by any hub.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { parseBackfillDays } from "../db/backfill_days.ts";
import type { FamilyLookup } from "./family_defaults.ts";
import { newId } from "../db/new_id.ts";
import { submitRun } from "./submit_run.ts";

/** Submits what each backfill may start now; returns how many runs were submitted. */
export async function advanceBackfills(
  tx: Tx,
  families: FamilyLookup,
  now: number,
): Promise<number> {
  // The write queue's transaction is IMMEDIATE: no other hub moves next_index
  // between this read and the update below.
  const rows = await tx.all<{
    id: string;
    family: string;
    version: number;
    dates: string;
    next_index: number;
    max_concurrent: number | null;
    priority: number;
    submitted_by: string | null;
    unfinished: number;
  }>(sql`
    SELECT b.id, b.family, b.version, b.dates, b.next_index, b.max_concurrent, b.priority,
      b.submitted_by,
      (SELECT count(*) FROM runs r
        WHERE r.backfill_id = b.id AND r.state = 'running') AS unfinished
    FROM backfills b
    WHERE b.next_index < json_array_length(b.dates)
    ORDER BY b.created_at`);
  let submitted = 0;
  for (const b of rows) {
    const days = parseBackfillDays(b.dates);
    let slots = b.max_concurrent === null ? Infinity : b.max_concurrent - b.unfinished;
    let next = b.next_index;
    // Days found complete at creation take no slot, so they are passed over even when full.
    while (next < days.length && (slots > 0 || days[next]!.skipped)) {
      const day = days[next++]!;
      if (day.skipped) continue;
      const { runState } = await submitRun(tx, {
        runId: newId("run"),
        taskId: day.taskId,
        family: b.family,
        version: b.version,
        params: day.params,
        families,
        priority: b.priority,
        backfillId: b.id,
        submittedBy: b.submitted_by,
        now,
      });
      submitted++;
      // A day that became complete since the backfill was created holds no slot.
      if (runState === "running") slots--;
    }
    if (next !== b.next_index) {
      await tx.run(sql`UPDATE backfills SET next_index = ${next} WHERE id = ${b.id}`);
    }
  }
  return submitted;
}
