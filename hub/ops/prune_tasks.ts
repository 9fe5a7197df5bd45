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
export const TASK_PRUNE_BATCH = 20;
/** Settled tasks looked at per call at most, walking the index. */
const SCAN = 50;
/** Edges deleted per call at most (a task goes once all of its own are gone). */
const EDGE_BUDGET = 200;
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
  let edges = EDGE_BUDGET;
  const ready = await unneeded(tx, candidates, before);
  const unfinished: string[] = [];
  while (ready.length > 0 && out.tasks < TASK_PRUNE_BATCH && edges > 0) {
    const now = ready.splice(0, TASK_PRUNE_BATCH - out.tasks);
    const gone = await deleteTasks(tx, now, edges, out);
    edges -= gone.edges;
    unfinished.push(...gone.unfinished);
    // A requirement may now be needed by nobody: look at it next.
    const deps = [...new Set(gone.deps)];
    const look = deps.splice(0, Math.max(0, checks));
    checks -= look.length;
    state.frontier = deps.concat(state.frontier);
    for (const id of await unneeded(tx, look, before)) ready.push(id);
  }
  // A task whose edges did not all fit goes first next time. The walk finds
  // whatever a short frontier forgets.
  state.frontier = unfinished.concat(ready, state.frontier).slice(0, FRONTIER_MAX);
  return out;
}

/** Which of `ids` may go now. */
async function unneeded(tx: Tx, ids: string[], before: number): Promise<string[]> {
  const found: string[] = [];
  for (const part of chunks([...new Set(ids)])) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      SELECT t.id FROM tasks t WHERE t.id IN (${list})
        -- Unary + keeps the planner on the primary key: by tasks_state_idx it
        -- would walk every settled task.
        AND +t.state IN ('done', 'failed', 'cancelled', 'blocked') AND +t.updated_at < ${before}
        AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.dep_id = t.id)
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.root_task_id = t.id)`);
    found.push(...rows.map((r) => r.id));
  }
  return found;
}

/**
 * Deletes up to `edgeBudget` of the tasks' edges (a wide run's root has as
 * many as it has leaves), then the tasks left without edges, with what
 * hangs off them. Returns the requirements freed, the edges deleted, and the
 * tasks that still have edges (deleted by a later batch).
 */
async function deleteTasks(
  tx: Tx,
  ids: string[],
  edgeBudget: number,
  out: PrunedTasks,
): Promise<{ deps: string[]; edges: number; unfinished: string[] }> {
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const freed = await tx.all<{ dep_id: string }>(sql`DELETE FROM edges WHERE rowid IN (
    SELECT rowid FROM edges WHERE task_id IN (${list}) LIMIT ${edgeBudget}) RETURNING dep_id`);
  const unfinished = freed.length < edgeBudget ? [] : (await tx.all<{ task_id: string }>(
    sql`SELECT DISTINCT task_id FROM edges WHERE task_id IN (${list})`,
  )).map((r) => r.task_id);
  const done = ids.filter((id) => !unfinished.includes(id));
  if (done.length > 0) {
    const gone = sql.join(done.map((id) => sql`${id}`), sql`, `);
    out.attempts += (await tx.run(sql`DELETE FROM attempts WHERE task_id IN (${gone})`))
      .rowsAffected;
    out.publications += (await tx.run(sql`DELETE FROM publications WHERE task_id IN (${gone})`))
      .rowsAffected;
    out.taskLogs += (await tx.run(sql`DELETE FROM task_logs WHERE task_id IN (${gone})`))
      .rowsAffected;
    out.tasks += (await tx.run(sql`DELETE FROM tasks WHERE id IN (${gone})`)).rowsAffected;
  }
  return { deps: freed.map((r) => r.dep_id), edges: freed.length, unfinished };
}
