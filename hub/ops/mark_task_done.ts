/**
 * Marking a task done by hand: an operator vouches for its outputs (made
 * outside Drover, or good enough), so what waits on it may run.
 */
import { sql } from "drizzle-orm";
import type { TaskState } from "../../shared/states.ts";
import type { Tx } from "../db/client.ts";
import type { RevokedLease } from "./cancel_tasks.ts";
import { insertPublication } from "./steps/insert_publication.ts";
import { propagateDone, type Propagation } from "./steps/propagate_done.ts";
import { unblockDependents } from "./steps/unblock_dependents.ts";
import { refreshRunStates } from "./steps/run_states.ts";

/** What marking a task done changed. */
export interface MarkedDone {
  /** The task's state before; `done` means nothing was changed. */
  previous: TaskState;
  /** The lease taken back from the worker running it: it must be told. */
  revoked: RevokedLease | null;
  /** Dependents that became ready, and wrappers that became done. */
  propagation: Propagation;
  /** Tasks it blocked (directly or not) that are no longer blocked. */
  unblocked: string[];
}

/**
 * Marks task `id` done with a `manual` publication, whatever its state;
 * undefined when it does not exist, and nothing changes when it is already
 * done. A lease on it is revoked and its epoch bumped, so a late completion
 * from the old holder is fenced out. Dependents waiting on it become ready;
 * tasks it blocked are unblocked (or blocked by another culprit they have).
 * `actor` is recorded on the attempt it cut short. One transaction: the
 * task is done with exactly one publication, its old lease fenced out, and
 * what it blocked or held back goes on.
 */
export async function markTaskDone(
  tx: Tx,
  id: string,
  reason: string,
  actor: string | null,
  now: number,
): Promise<MarkedDone | undefined> {
  const [task] = await tx.all<
    { state: TaskState; lease_epoch: number; lease_owner: string | null }
  >(sql`SELECT state, lease_epoch, lease_owner FROM tasks WHERE id = ${id}`);
  if (!task) return undefined;
  if (task.state === "done") {
    return {
      previous: "done",
      revoked: null,
      propagation: { readied: 0, wrappersDone: [] },
      unblocked: [],
    };
  }
  let revoked: RevokedLease | null = null;
  let epoch = task.lease_epoch;
  if (task.state === "leased" && task.lease_owner !== null) {
    revoked = { taskId: id, epoch: task.lease_epoch, workerId: task.lease_owner };
    epoch = task.lease_epoch + 1;
    const error = JSON.stringify({
      name: "MarkedDoneError",
      message: reason,
      retryable: false,
      ...(actor === null ? {} : { actor }),
    });
    await tx.run(sql`
      UPDATE attempts SET ended_at = ${now}, outcome = 'cancelled', error = ${error}
      WHERE task_id = ${id} AND epoch = ${task.lease_epoch} AND ended_at IS NULL`);
  }
  await tx.run(sql`
    UPDATE tasks SET state = 'done', kind = 'run', lease_epoch = ${epoch},
      lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, blocked_by = NULL,
      status_message = ${`marked done: ${reason}`}, finished_at = ${now}, updated_at = ${now}
    WHERE id = ${id}`);
  const [published] = await tx.all<{ key: string }>(
    sql`SELECT key FROM publications WHERE task_id = ${id}`,
  );
  if (!published) {
    await insertPublication(tx, `manual:${id}:${epoch}`, id, epoch, null, "manual", now);
  }
  // Waiting dependents first: they counted this task as pending. Unblocked
  // ones are recounted from the edges, so they must not be decremented too.
  const propagation = await propagateDone(tx, [id], now);
  const { unblocked, propagation: more } = await unblockDependents(tx, { above: id }, now);
  // A failed or cancelled task marked done may end a run's failure.
  if (task.state === "failed" || task.state === "cancelled") await refreshRunStates(tx, [id], now);
  return {
    previous: task.state,
    revoked,
    propagation: {
      readied: propagation.readied + more.readied,
      wrappersDone: [...propagation.wrappersDone, ...more.wrappersDone],
    },
    unblocked,
  };
}
