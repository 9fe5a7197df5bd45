/**
 * The ends of the events table: the newest id (what the feed polls) and the
 * oldest one kept (where a resumed stream learns that it missed some).
 *
 * SQLite has one writer, so ids are handed out in commit order: a reader
 * that sees id N sees every id below it, and the newest id is a cursor that
 * skips nothing. AUTOINCREMENT never reuses an id and a rolled-back insert
 * gives its id back, so ids have no holes, and retention deletes a prefix of
 * them (`prune_history.ts`). PostgreSQL hands out sequence values at insert
 * time, not commit time: a reader there may see id N+1 committed before N,
 * so it holds its cursor back to the horizon of `db/pg/event_horizon.ts`.
 */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** The newest event id, 0 when there is none. */
export async function newestEventId(db: Reader): Promise<number> {
  const [row] = await db.all<{ id: number | null }>(sql`SELECT max(id) AS id FROM events`);
  return row?.id ?? 0;
}

/** Where the events table begins and ends. */
export interface EventBounds {
  /** The oldest event kept; null when there is none (all pruned, or none yet). */
  oldest: number | null;
  /** The last id handed out, even if its event was pruned since; 0 when none ever was. */
  last: number;
}

/** The bounds of the events table, in one statement (one snapshot). */
export async function eventBounds(db: Reader): Promise<EventBounds> {
  const [row] = await db.all<{ oldest: number | null; newest: number | null; seq: number | null }>(
    sql`SELECT min(id) AS oldest, max(id) AS newest,
      (SELECT seq FROM sqlite_sequence WHERE name = 'events') AS seq FROM events`,
  );
  return { oldest: row?.oldest ?? null, last: Math.max(row?.newest ?? 0, row?.seq ?? 0) };
}
