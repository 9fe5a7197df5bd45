/**
 * A run's members (`run_tasks`): its root and everything below it along the
 * edges, kept as edges come and go so that a run's counts (`run_counts`,
 * kept by the triggers of migration 0006) never need a walk of its graph.
 *
 * - A run joins its root's whole graph when submitted.
 * - A new edge brings its requirement, and everything below it, into every
 *   run of the task that requires it.
 * - An expansion that replaces a task's edges may leave tasks no longer
 *   reached: the runs of that task are walked again and lose them.
 *
 * `before` says a task was already done when it joined (its outputs found,
 * or finished before the run was created): the run did not do it.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { yieldNow } from "../../db/yield_now.ts";
import { chunks } from "../../db/chunks.ts";
import { placeholders, rawRun } from "../../db/raw_sql.ts";
import { subgraphOf } from "../../db/subgraph.ts";

/** SQL: whether task `t` counts as already done for run `r`. */
const BEFORE_TEXT = `CASE WHEN t.state = 'done' AND (t.finished_at < r.created_at OR EXISTS (
  SELECT 1 FROM publications p WHERE p.task_id = t.id AND p.kind = 'found')) THEN 1 ELSE 0 END`;
const BEFORE = sql.raw(BEFORE_TEXT);

/** The run `runId` (just inserted) joins its root `rootId` and everything below it. */
export async function joinRunGraph(tx: Tx, runId: string, rootId: string): Promise<void> {
  await tx.run(sql`
    ${subgraphOf(rootId)}
    INSERT INTO run_tasks (run_id, task_id, before)
    SELECT r.id, t.id, ${BEFORE} FROM sub JOIN tasks t ON t.id = sub.id
      JOIN runs r ON r.id = ${runId} WHERE true
    ON CONFLICT DO NOTHING`);
}

/**
 * New edges (`[task, requirement]`): each requirement, and what it requires
 * in turn, joins every run its task is in.
 */
export async function spreadRunMembers(
  tx: Tx,
  edges: readonly (readonly [string, string])[],
): Promise<void> {
  for (const part of chunks(edges, 400)) {
    await yieldNow();
    await rawRun(tx, {
      text: `WITH RECURSIVE v(task_id, dep_id) AS (VALUES ${placeholders(part.length, 2)}),
        m(run_id, id) AS (
          SELECT rt.run_id, v.dep_id FROM v JOIN run_tasks rt ON rt.task_id = v.task_id
          UNION SELECT m.run_id, e.dep_id FROM m JOIN edges e ON e.task_id = m.id)
      INSERT INTO run_tasks (run_id, task_id, before)
      SELECT m.run_id, m.id, ${BEFORE_TEXT} FROM m JOIN tasks t ON t.id = m.id
        JOIN runs r ON r.id = m.run_id WHERE true
      ON CONFLICT DO NOTHING`,
      args: part.flat(),
    });
  }
}

/**
 * Tasks whose edges an expansion replaced: the runs they are in are walked
 * again, and lose the members no longer reached.
 */
export async function trimRunMembers(tx: Tx, taskIds: readonly string[]): Promise<void> {
  const runs = new Map<string, string>();
  for (const part of chunks(taskIds, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string; root_task_id: string }>(sql`
      SELECT DISTINCT r.id, r.root_task_id FROM run_tasks rt JOIN runs r ON r.id = rt.run_id
      WHERE rt.task_id IN (${list})`);
    for (const r of rows) runs.set(r.id, r.root_task_id);
  }
  for (const [runId, rootId] of runs) {
    await tx.run(sql`
      ${subgraphOf(rootId)}
      DELETE FROM run_tasks WHERE run_id = ${runId} AND task_id NOT IN (SELECT id FROM sub)`);
  }
}

/** The tasks whose outputs were just found: already done in every run they are in. */
export async function markFoundMembers(tx: Tx, taskIds: readonly string[]): Promise<void> {
  for (const part of chunks(taskIds, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    await tx.run(
      sql`UPDATE run_tasks SET before = 1 WHERE task_id IN (${list}) AND before = 0`,
    );
  }
}
