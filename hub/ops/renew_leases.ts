/** Lease renewal: the heartbeat. A worker renews every lease it holds in one frame. */
import { sql } from "drizzle-orm";
import type { LeaseRef } from "../../shared/protocol.ts";
import type { Tx } from "../db/client.ts";
import { extendLeases, type RefusedRenewal } from "./steps/extend_leases.ts";

export type { RefusedRenewal };

/**
 * Notes that the worker was seen, and extends each of `leases` it still
 * holds to `now + ttlMs`; returns the refusals with their reasons. (The
 * two statements are independent: the worker's row only says when it was
 * last seen.)
 */
export async function renewLeases(
  tx: Tx,
  workerId: string,
  leases: readonly LeaseRef[],
  now: number,
  ttlMs: number,
): Promise<RefusedRenewal[]> {
  await tx.run(sql`UPDATE workers SET last_seen_at = ${now} WHERE id = ${workerId}`);
  return leases.length > 0 ? await extendLeases(tx, workerId, leases, now, ttlMs) : [];
}
