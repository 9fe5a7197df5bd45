/**
 * Readiness: when tasks become done, their dependents' pending counts drop;
 * a dependent at zero becomes ready (or, for a wrapper, done itself).
 */
import type { Tx } from "../../db/client.ts";
import { chunks } from "../../db/chunks.ts";
import { marks, rawAll, rawRun } from "../../db/raw_sql.ts";
import { insertPublication } from "./insert_publication.ts";
import { finishRunsRootedAt } from "./run_states.ts";

/** What propagation changed. */
export interface Propagation {
  /** Tasks that became ready to run. */
  readied: number;
  /** Wrappers that became done because their requirements are. */
  wrappersDone: string[];
}

/**
 * Applies "these tasks are now done" to their dependents, transitively
 * through wrappers, and to the runs they are the root of (done). Only
 * `waiting` dependents are touched: a dependent still being expanded
 * computes its own count from the tasks' states.
 */
export async function propagateDone(
  tx: Tx,
  doneIds: readonly string[],
  now: number,
): Promise<Propagation> {
  const result: Propagation = { readied: 0, wrappersDone: [] };
  // "+state" keeps SQLite on the primary key: the state index would walk
  // every waiting task in the database on each completion.
  let frontier = [...doneIds];
  while (frontier.length > 0) {
    const next: string[] = [];
    await finishRunsRootedAt(tx, frontier, now);
    for (const part of chunks(frontier, 400)) {
      // Raw text: the hot path of every completion batch (see raw_sql.ts).
      const list = marks(part.length);
      const dependents = `SELECT task_id FROM edges WHERE dep_id IN (${list})`;
      await rawRun(tx, {
        text: `UPDATE tasks SET
          pending_deps = pending_deps - (
            SELECT count(*) FROM edges e WHERE e.task_id = tasks.id AND e.dep_id IN (${list})),
          updated_at = ?
        WHERE +state = 'waiting' AND id IN (${dependents})`,
        args: [...part, now, ...part],
      });
      const settled = await settle(
        tx,
        await rawAll<SettledRow>(tx, {
          text: `${SETTLE} (${dependents}) RETURNING id, state, lease_epoch`,
          args: [now, now, now, ...part],
        }),
        now,
      );
      result.readied += settled.readied;
      result.wrappersDone.push(...settled.wrappersDone);
      next.push(...settled.wrappersDone);
    }
    frontier = next;
  }
  return result;
}

type SettledRow = { id: string; state: string; lease_epoch: number };

/** Waiting tasks with nothing pending become ready, or (wrappers) done; `id IN` follows. */
const SETTLE = `UPDATE tasks SET
    state = CASE WHEN has_run = 0 THEN 'done' ELSE 'ready' END,
    kind = 'run',
    ready_at = ?,
    finished_at = CASE WHEN has_run = 0 THEN ? ELSE NULL END,
    updated_at = ?
  WHERE +state = 'waiting' AND pending_deps <= 0 AND id IN`;

/** Counts what {@link SETTLE} readied, and publishes the wrappers it made done. */
async function settle(tx: Tx, rows: readonly SettledRow[], now: number): Promise<Propagation> {
  const result: Propagation = { readied: 0, wrappersDone: [] };
  for (const row of rows) {
    if (row.state === "done") {
      await insertPublication(
        tx,
        `wrapper:${row.id}`,
        row.id,
        row.lease_epoch,
        null,
        "wrapper",
        now,
      );
      result.wrappersDone.push(row.id);
    } else {
      result.readied++;
    }
  }
  return result;
}

/**
 * Waiting tasks among `ids` (at most a chunk: 400) with nothing pending
 * become ready, or, for wrappers, done and published. The caller propagates
 * the wrappers returned.
 */
export async function settleWaiting(
  tx: Tx,
  ids: readonly string[],
  now: number,
): Promise<Propagation> {
  const rows = await rawAll<SettledRow>(tx, {
    text: `${SETTLE} (${marks(ids.length)}) RETURNING id, state, lease_epoch`,
    args: [now, now, now, ...ids],
  });
  return await settle(tx, rows, now);
}
