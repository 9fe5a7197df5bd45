/**
 * Retention of tasks, peeled from the top of the graph down: a task goes
 * (with its edges, attempts, publication and log lines) when it settled
 * (done, failed, cancelled or blocked) before the cutoff, no task requires
 * it any more and no run has it as its root. Deleting it may leave its
 * requirements without dependents; they are looked at next, in the same
 * batch while it has room, else in the next one.
 *
 * A task that a kept run needs is never deleted: it is reachable from that
 * run's root, and every task on the way keeps the one below it from being
 * "required by nobody". So what this deletes, batch after batch, is exactly
 * what no kept run and no unsettled or recent task reaches (the preview in
 * `queries/prune_preview.ts` counts that set).
 */
import { sql } from "drizzle-orm";
import { chunks } from "../db/chunks.ts";
import type { Tx } from "../db/client.ts";

/** Tasks deleted per call at most. */
export const TASK_PRUNE_BATCH = 200;
/** Settled tasks looked at per call at most, walking the index. */
const SCAN = 1_000;
/** Requirements remembered for the next call at most. */
const FRONTIER_MAX = 50_000;

/** Where the walk over settled tasks (oldest first) resumes. */
export interface PruneCursor {
  updatedAt: number;
  id: string;
}

/** What {@link pruneTasks} carries from one call to the next. */
export interface TaskPruneState {
  /** Null: from the oldest. */
  cursor: PruneCursor | null;
  /** Requirements of deleted tasks, to look at first. */
  frontier: string[];
}

/** What one call deleted, and whether the walk came round to its start. */
export interface PrunedTasks {
  tasks: number;
  attempts: number;
  publications: number;
  taskLogs: number;
  /** The walk reached the newest settled task before the cutoff. */
  wrapped: boolean;
}

/**
 * Deletes up to {@link TASK_PRUNE_BATCH} tasks that settled before `before`
 * and nothing needs. Updates `state` in place (the caller keeps it between
 * calls; losing it costs only a longer walk).
 */
export async function pruneTasks(
  tx: Tx,
  before: number,
  state: TaskPruneState,
): Promise<PrunedTasks> {
  const out: PrunedTasks = { tasks: 0, attempts: 0, publications: 0, taskLogs: 0, wrapped: false };
  let candidates = [...new Set(state.frontier.splice(0, SCAN))];
  if (candidates.length < SCAN) {
    const c = state.cursor;
    const rows = await tx.all<{ id: string; updated_at: number }>(sql`
      SELECT id, updated_at FROM tasks INDEXED BY tasks_settled_idx
      WHERE state IN ('done', 'failed', 'cancelled', 'blocked') AND updated_at < ${before}
        ${c ? sql`AND (updated_at, id) > (${c.updatedAt}, ${c.id})` : sql``}
      ORDER BY updated_at, id LIMIT ${SCAN - candidates.length}`);
    const last = rows.at(-1);
    state.cursor = last ? { updatedAt: last.updated_at, id: last.id } : null;
    out.wrapped = rows.length < SCAN - candidates.length;
    if (out.wrapped) state.cursor = null;
    candidates = [...new Set([...candidates, ...rows.map((r) => r.id)])];
  }
  // Every task is checked in the transaction that deletes it (an expansion
  // may have made it needed since it was last looked at).
  let checks = SCAN;
  const ready = await unneeded(tx, candidates, before);
  while (ready.length > 0 && out.tasks < TASK_PRUNE_BATCH) {
    const now = ready.splice(0, TASK_PRUNE_BATCH - out.tasks);
    // A requirement may now be needed by nobody: look at it next.
    const deps = [...new Set(await deleteTasks(tx, now, out))];
    const look = deps.splice(0, Math.max(0, checks));
    checks -= look.length;
    state.frontier = deps.concat(state.frontier);
    for (const id of await unneeded(tx, look, before)) ready.push(id);
  }
  // The walk finds whatever a short frontier forgets.
  state.frontier = ready.concat(state.frontier).slice(0, FRONTIER_MAX);
  return out;
}

/** Which of `ids` may go now. */
async function unneeded(tx: Tx, ids: string[], before: number): Promise<string[]> {
  const found: string[] = [];
  for (const part of chunks([...new Set(ids)])) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      SELECT t.id FROM tasks t WHERE t.id IN (${list})
        AND t.state IN ('done', 'failed', 'cancelled', 'blocked') AND t.updated_at < ${before}
        AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.dep_id = t.id)
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.root_task_id = t.id)`);
    found.push(...rows.map((r) => r.id));
  }
  return found;
}

/** Deletes the tasks and what hangs off them; returns their requirements. */
async function deleteTasks(tx: Tx, ids: string[], out: PrunedTasks): Promise<string[]> {
  const deps: string[] = [];
  for (const part of chunks(ids)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ dep_id: string }>(
      sql`DELETE FROM edges WHERE task_id IN (${list}) RETURNING dep_id`,
    );
    deps.push(...rows.map((r) => r.dep_id));
    out.attempts += (await tx.run(sql`DELETE FROM attempts WHERE task_id IN (${list})`))
      .rowsAffected;
    out.publications += (await tx.run(sql`DELETE FROM publications WHERE task_id IN (${list})`))
      .rowsAffected;
    out.taskLogs += (await tx.run(sql`DELETE FROM task_logs WHERE task_id IN (${list})`))
      .rowsAffected;
    out.tasks += (await tx.run(sql`DELETE FROM tasks WHERE id IN (${list})`)).rowsAffected;
  }
  return deps;
}
