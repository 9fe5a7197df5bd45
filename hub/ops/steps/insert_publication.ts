/** Publications: the record of how a task became done. */
import { rawRun } from "../../db/raw_sql.ts";
import type { Tx } from "../../db/client.ts";

/** Records how a task became done (unique per key and per task). */
export async function insertPublication(
  tx: Tx,
  key: string,
  taskId: string,
  epoch: number,
  workerId: string | null,
  kind: "run" | "found" | "wrapper" | "manual",
  now: number,
): Promise<void> {
  await rawRun(tx, {
    text: `INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`,
    args: [key, taskId, epoch, workerId, kind, now],
  });
}
