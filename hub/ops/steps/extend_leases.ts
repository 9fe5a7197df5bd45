/**
 * Extending leases: one statement renews every lease a worker lists; the
 * ones it could not renew are reported with the reason.
 */
import { sql } from "drizzle-orm";
import type { LeaseRef } from "../../../shared/protocol.ts";
import type { Tx } from "../../db/client.ts";
import { chunks } from "../../db/chunks.ts";
import { staleReason } from "./stale_reason.ts";

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
export async function extendLeases(
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
