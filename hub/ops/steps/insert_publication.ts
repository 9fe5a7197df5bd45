/** Publications: the record of how a task became done. */
import { sql } from "drizzle-orm";
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
  await tx.run(sql`
    INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
    VALUES (${key}, ${taskId}, ${epoch}, ${workerId}, ${kind}, ${now})`);
}
