/**
 * Lease renewal: the heartbeat. One statement renews every lease a worker
 * holds; the ones it did not renew are reported with the reason.
 */
import { sql } from "drizzle-orm";
import type { LeaseRef } from "../../shared/protocol.ts";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";

/** A renewal the hub refused. */
export interface RefusedRenewal {
  taskId: string;
  epoch: number;
  reason: string;
  /** The task was cancelled: the worker stops it as cancelled, not as a lost lease. */
  cancelled?: boolean;
}

/**
 * Extends each lease in `leases` whose epoch is current to `now + ttlMs`, and
 * is held by `workerId` (a worker keeps its id across reconnects and, with a
 * state directory, across restarts). A lease is never handed to another
 * worker by a renewal: knowing a task id and an epoch is not enough.
 */
export async function renewLeases(
  tx: Tx,
  workerId: string,
  leases: readonly LeaseRef[],
  now: number,
  ttlMs: number,
): Promise<RefusedRenewal[]> {
  const renewed = new Set<string>();
  for (const part of chunks(leases, 400)) {
    const pairs = sql.join(part.map((l) => sql`(${l.taskId}, ${l.epoch})`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      UPDATE tasks SET lease_expires_at = ${now + ttlMs}
      WHERE +state = 'leased' AND lease_expires_at >= ${now} AND lease_owner = ${workerId}
        AND (id, lease_epoch) IN (VALUES ${pairs})
      RETURNING id`);
    for (const r of rows) renewed.add(r.id);
  }
  const refused: RefusedRenewal[] = [];
  for (const lease of leases) {
    if (renewed.has(lease.taskId)) continue;
    const [row] = await tx.all<{ state: string; lease_epoch: number }>(
      sql`SELECT state, lease_epoch FROM tasks WHERE id = ${lease.taskId}`,
    );
    // Published at this very epoch: the renewal crossed the acknowledgement
    // on the wire. Nothing is lost, so nothing is refused.
    if (row?.state === "done" && row.lease_epoch === lease.epoch) continue;
    const reason = await staleReason(tx, lease.taskId, lease.epoch, now, workerId);
    refused.push(
      row?.state === "cancelled" ? { ...lease, reason, cancelled: true } : { ...lease, reason },
    );
  }
  return refused;
}

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
