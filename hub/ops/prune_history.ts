/**
 * Retention: events and task log lines older than their limits are deleted,
 * oldest first, in small batches so no write holds the database for long.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Rows deleted per table and call. */
export const PRUNE_BATCH = 1_000;

/** What one call deleted. */
export interface Pruned {
  events: number;
  taskLogs: number;
}

/**
 * Deletes up to {@link PRUNE_BATCH} events written before `eventsBefore`
 * and as many log lines written before `logsBefore`. Only the oldest rows by
 * id are looked at (ids follow time), so neither table needs an index on
 * time and a call with nothing to delete reads one batch of ids at most.
 *
 * Events go as a prefix of ids: up to the first one not old enough, even if
 * a later one (its clock a few ms behind) is. So the events kept are always
 * every id from the oldest on, and a stream resuming after an id below the
 * oldest knows that what lies between was pruned (see `event_bounds.ts`).
 */
export async function pruneHistory(
  tx: Tx,
  cutoffs: { eventsBefore: number; logsBefore: number },
): Promise<Pruned> {
  const events = await tx.run(sql`
    WITH head AS (SELECT id, at FROM events ORDER BY id LIMIT ${PRUNE_BATCH}),
      young AS (SELECT min(id) AS id FROM head WHERE at >= ${cutoffs.eventsBefore})
    DELETE FROM events WHERE id IN (
      SELECT id FROM head WHERE (SELECT id FROM young) IS NULL OR id < (SELECT id FROM young))`);
  const logs = await tx.run(sql`DELETE FROM task_logs WHERE id IN (
    SELECT id FROM task_logs ORDER BY id LIMIT ${PRUNE_BATCH}) AND at < ${cutoffs.logsBefore}`);
  return { events: events.rowsAffected, taskLogs: logs.rowsAffected };
}
