/**
 * Publication: the only way a task that runs becomes done.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { insertPublication } from "./steps/insert_publication.ts";
import { propagateDone } from "./steps/propagate_done.ts";
import { staleReason } from "./steps/stale_reason.ts";

/** A completion as a worker sends it. */
export interface Completion {
  taskId: string;
  epoch: number;
  key: string;
  workerId: string;
  now: number;
}

/** The hub's answer; a repeat of an accepted key gets `accepted` again. */
export interface CompletionResult {
  outcome: "accepted" | "stale";
  message: string;
  /** True when the key was seen before (a redelivery absorbed by idempotency). */
  repeat: boolean;
  /** Dependents that became ready. */
  readied: number;
  /** Whether the task held resources (others may now start). */
  freedResources?: boolean;
  /** The task published (not on a repeat): its family, when its lease started, its attempt. */
  task?: { family: string; startedAt: number | null; attempt: number };
}

/**
 * In one transaction: the key was seen → the first answer; else the epoch must
 * be current → publication inserted → task done → dependents re-evaluated.
 * Several statements, one transaction, because exactly-once publication
 * rests on them together: a task is done if and only if it has one
 * publication, at its current epoch, and its dependents and runs know it.
 */
export async function completeTask(tx: Tx, c: Completion): Promise<CompletionResult> {
  const [seen] = await tx.all<{ task_id: string; epoch: number }>(
    sql`SELECT task_id, epoch FROM publications WHERE key = ${c.key}`,
  );
  if (seen) {
    if (seen.task_id !== c.taskId) {
      return {
        outcome: "stale",
        message: `Idempotency key "${c.key}" was already used for task "${seen.task_id}"`,
        repeat: true,
        readied: 0,
      };
    }
    return { outcome: "accepted", message: "already published", repeat: true, readied: 0 };
  }
  const updated = await tx.all<
    { id: string; resources: string; family: string; started_at: number | null; attempt: number }
  >(sql`
    UPDATE tasks SET
      state = 'done', lease_owner = NULL, lease_expires_at = NULL,
      finished_at = ${c.now}, updated_at = ${c.now}, progress = 1, last_error = NULL
    WHERE id = ${c.taskId} AND state = 'leased' AND kind = 'run' AND lease_epoch = ${c.epoch}
      AND lease_owner = ${c.workerId}
      AND lease_expires_at >= ${c.now}
    RETURNING id, resources, family, started_at, attempt`);
  if (updated.length === 0) {
    const reason = await staleReason(tx, c.taskId, c.epoch, c.now, c.workerId);
    return {
      outcome: "stale",
      message: `Cannot publish "${c.taskId}": ${reason}`,
      repeat: false,
      readied: 0,
    };
  }
  await insertPublication(tx, c.key, c.taskId, c.epoch, c.workerId, "run", c.now);
  await tx.run(sql`
    UPDATE attempts SET ended_at = ${c.now}, outcome = 'done'
    WHERE task_id = ${c.taskId} AND epoch = ${c.epoch}`);
  const propagation = await propagateDone(tx, [c.taskId], c.now);
  const row = updated[0]!;
  return {
    outcome: "accepted",
    message: "published",
    repeat: false,
    readied: propagation.readied,
    freedResources: row.resources !== "{}",
    task: { family: row.family, startedAt: row.started_at, attempt: row.attempt },
  };
}
