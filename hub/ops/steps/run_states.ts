/**
 * A run's state is stored on its row and kept true by every operation that
 * changes a task's state, in the same transaction, so that reading a run
 * never writes. One rule decides it ({@link runStateOf}); a run is its root
 * task and everything below it (tasks are shared between runs), so a task
 * changing state can change the state of every run above it.
 */
import { sql } from "drizzle-orm";
import type { RunState, TaskState } from "../../../shared/states.ts";
import type { Reader, Tx } from "../../db/client.ts";
import { chunks } from "../../db/chunks.ts";
import { marks, rawRun } from "../../db/raw_sql.ts";
import { subgraphOf } from "../../db/subgraph.ts";

/** What the rule looks at: the root's state and the failed and cancelled tasks of the run. */
export interface RunFacts {
  root: TaskState | undefined;
  failed: number;
  cancelled: number;
}

/**
 * The rule: done when the root is done; else failed when any task of the
 * run failed; else cancelled when any was cancelled; else running. (A
 * blocked task always has a failed or cancelled culprit below it, in the
 * same run.)
 */
export function runStateOf(facts: RunFacts): RunState {
  if (facts.root === "done") return "done";
  if (facts.failed > 0) return "failed";
  if (facts.cancelled > 0) return "cancelled";
  return "running";
}

/** The facts of the run rooted at `rootId`, in one walk of its subgraph. */
export async function runFacts(db: Reader, rootId: string): Promise<RunFacts> {
  const [row] = await db.all<{ root: TaskState | null; failed: number; cancelled: number }>(sql`
    ${subgraphOf(rootId)}
    SELECT (SELECT state FROM tasks WHERE id = ${rootId}) AS root,
      coalesce(sum(CASE WHEN t.state = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
      coalesce(sum(CASE WHEN t.state = 'cancelled' THEN 1 ELSE 0 END), 0) AS cancelled
    FROM tasks t JOIN sub ON t.id = sub.id`);
  return {
    root: row?.root ?? undefined,
    failed: Number(row?.failed ?? 0),
    cancelled: Number(row?.cancelled ?? 0),
  };
}

/**
 * Runs rooted at tasks that just became done are done: the cheap case,
 * one indexed update, on every completion.
 */
export async function finishRunsRootedAt(
  tx: Tx,
  doneIds: readonly string[],
  now: number,
): Promise<void> {
  for (const part of chunks(doneIds, 400)) {
    await rawRun(tx, {
      text: `UPDATE runs SET state = 'done', finished_at = ?
        WHERE root_task_id IN (${marks(part.length)}) AND state != 'done'`,
      args: [now, ...part],
    });
  }
}

/**
 * Applies the rule again to every run above `taskIds` (each task's run and
 * any run that requires it, transitively): after a task failed, was
 * cancelled, retried or marked done, or a failed one joined a run's graph.
 * A run whose state changes to a final one finishes now; one that comes
 * back to `running` has no finish time.
 */
export async function refreshRunStates(
  tx: Tx,
  taskIds: readonly string[],
  now: number,
): Promise<void> {
  if (taskIds.length === 0) return;
  const runs = await tx.all<{ id: string; root_task_id: string; state: RunState }>(sql`
    WITH RECURSIVE up(id) AS (
      SELECT value FROM json_each(${JSON.stringify([...new Set(taskIds)])})
      UNION SELECT e.task_id FROM edges e JOIN up ON e.dep_id = up.id)
    SELECT id, root_task_id, state FROM runs WHERE root_task_id IN (SELECT id FROM up)`);
  const facts = new Map<string, RunState>();
  for (const run of runs) {
    let state = facts.get(run.root_task_id);
    if (state === undefined) {
      state = runStateOf(await runFacts(tx, run.root_task_id));
      facts.set(run.root_task_id, state);
    }
    if (state === run.state) continue;
    await tx.run(sql`UPDATE runs SET state = ${state},
      finished_at = ${state === "running" ? null : now} WHERE id = ${run.id}`);
  }
}
