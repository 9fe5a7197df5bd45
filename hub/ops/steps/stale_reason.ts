/** Why a lease is not live, for refusals and logs. */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";

/** Says why `(taskId, epoch)` is not a live lease, for refusals and logs. */
export async function staleReason(
  tx: Tx,
  taskId: string,
  epoch: number,
  now: number,
  workerId?: string,
): Promise<string> {
  const [row] = await tx.all<
    {
      state: string;
      lease_epoch: number;
      lease_expires_at: number | null;
      lease_owner: string | null;
    }
  >(
    sql`SELECT state, lease_epoch, lease_expires_at, lease_owner FROM tasks WHERE id = ${taskId}`,
  );
  if (!row) return `task "${taskId}" is unknown`;
  if (row.lease_epoch !== epoch) {
    return `epoch ${epoch} is stale (current ${row.lease_epoch}, task is ${row.state})`;
  }
  if (row.state !== "leased") return `task is ${row.state}, not leased`;
  if (workerId !== undefined && row.lease_owner !== workerId) {
    return "the lease is held by another worker";
  }
  if (row.lease_expires_at !== null && row.lease_expires_at < now) {
    return `lease expired ${now - row.lease_expires_at} ms ago`;
  }
  return "lease is not held";
}
