/** Runs newest first, by state and family, a page at a time. */
import { sql } from "drizzle-orm";
import type { RunList } from "../../shared/api_schemas.ts";
import type { RunState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";
import { describeRun, type RunRow } from "./run_status.ts";

/** A cursor's position: the last run of the previous page. */
export interface RunCursor {
  createdAt: number;
  id: string;
}

/** A page of runs and the cursor of the next one (null at the end). */
export async function listRuns(
  db: Reader,
  q: { state?: RunState; family?: string; limit: number; after?: RunCursor },
): Promise<RunList> {
  const where = [sql`1 = 1`];
  if (q.family) where.push(sql`family = ${q.family}`);
  if (q.state) where.push(sql`state = ${q.state}`);
  if (q.after) {
    where.push(sql`(created_at < ${q.after.createdAt}
      OR (created_at = ${q.after.createdAt} AND id < ${q.after.id}))`);
  }
  // One more than asked: whether a next page exists, without a second query.
  const rows = await db.all<RunRow>(sql`SELECT * FROM runs
    WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const runs = [];
  for (const row of page) runs.push(await describeRun(db, row));
  const last = page.at(-1);
  return {
    runs,
    next: rows.length > q.limit && last
      ? encodeRunCursor({ createdAt: last.created_at, id: last.id })
      : null,
  };
}

/** The opaque `next` of a page. */
export function encodeRunCursor(c: RunCursor): string {
  return btoa(`${c.createdAt}:${c.id}`).replaceAll("=", "");
}

/** A cursor back to its position; undefined when it is not one of ours. */
export function decodeRunCursor(cursor: string): RunCursor | undefined {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    return undefined;
  }
  const match = /^(\d+):(run_\w+)$/.exec(text);
  return match ? { createdAt: Number(match[1]), id: match[2]! } : undefined;
}
