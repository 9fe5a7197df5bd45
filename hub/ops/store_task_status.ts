/** A running task's status message and progress, as its worker reports them. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Stores what is given, only while the lease `(taskId, epoch)` is held by `workerId`. */
export async function storeTaskStatus(
  tx: Tx,
  s: {
    taskId: string;
    epoch: number;
    workerId: string;
    message?: string;
    progress?: number;
    now: number;
  },
): Promise<void> {
  await tx.run(sql`UPDATE tasks SET
      status_message = coalesce(${s.message ?? null}, status_message),
      progress = coalesce(${s.progress ?? null}, progress), updated_at = ${s.now}
    WHERE id = ${s.taskId} AND state = 'leased' AND lease_epoch = ${s.epoch}
      AND lease_owner = ${s.workerId}`);
}
