/**
 * Listing runs newest first, by state and family, a page at a time. A run's
 * state is derived from its tasks; finished states are stored as they are
 * seen, so a filter reads stored states and derives only running ones.
 */
import { sql } from "drizzle-orm";
import type { RunState } from "../../shared/states.ts";
import { HttpError } from "../http/http_error.ts";
import { type RunStatus, runStatus } from "./run_status.ts";
import type { Scheduler } from "../core/scheduler.ts";

/** Most rows read for one page when a state filter skips most of them. */
const MAX_SCAN = 5_000;

interface RunRow {
  id: string;
  state: string;
  created_at: number;
}

/** A page of runs and the cursor of the next one (null at the end). */
export async function listRuns(
  scheduler: Scheduler,
  q: { state?: RunState; family?: string; limit: number; cursor?: string },
): Promise<{ runs: RunStatus[]; next: string | null }> {
  let after = q.cursor ? decodeCursor(q.cursor) : null;
  const runs: RunStatus[] = [];
  const finished: RunStatus[] = [];
  let scanned = 0;
  let more = true;
  page: while (runs.length < q.limit && scanned < MAX_SCAN) {
    const where = [sql`1 = 1`];
    if (q.family) where.push(sql`family = ${q.family}`);
    // Stored finished states are final; `running` may have finished since.
    if (q.state) where.push(sql`state IN (${q.state}, 'running')`);
    if (after) {
      where.push(sql`(created_at < ${after.createdAt}
        OR (created_at = ${after.createdAt} AND id < ${after.id}))`);
    }
    const batch = Math.min(500, q.limit * 2);
    const rows = await scheduler.queue.read((db) =>
      db.all<RunRow>(sql`SELECT id, state, created_at FROM runs
        WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${batch}`)
    );
    for (const [i, row] of rows.entries()) {
      scanned++;
      after = { createdAt: row.created_at, id: row.id };
      const status = await scheduler.queue.read((db) => runStatus(db, row.id));
      if (!status) continue;
      if (row.state === "running" && status.state !== "running") finished.push(status);
      if (!q.state || status.state === q.state) runs.push(status);
      if (runs.length === q.limit) {
        more = i < rows.length - 1 || rows.length === batch;
        break page;
      }
    }
    if (rows.length < batch) {
      more = false;
      break;
    }
  }
  await storeFinalStates(scheduler, finished);
  return { runs, next: more && after ? encodeCursor(after) : null };
}

/** Stores the final state of runs derived as finished (still `running` in the table). */
export async function storeFinalStates(
  scheduler: Scheduler,
  finished: readonly RunStatus[],
): Promise<void> {
  if (finished.length === 0) return;
  const now = scheduler.now();
  await scheduler.queue.write(async (tx) => {
    for (const s of finished) {
      await tx.run(sql`UPDATE runs SET state = ${s.state},
        finished_at = coalesce(finished_at, ${s.finishedAt ?? now})
        WHERE id = ${s.runId} AND state = 'running'`);
    }
  });
}

function encodeCursor(c: { createdAt: number; id: string }): string {
  return btoa(`${c.createdAt}:${c.id}`).replaceAll("=", "");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let text = "";
  try {
    text = atob(cursor);
  } catch { /* reported below */ }
  const match = /^(\d+):(run_\w+)$/.exec(text);
  if (!match) {
    throw new HttpError(400, "invalid_query", `Invalid query parameter "cursor": not a cursor`, {
      field: "cursor",
    });
  }
  return { createdAt: Number(match[1]), id: match[2]! };
}
