/** A worker's connection to this hub ended; its leases run on until they expire or are renewed. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Marks the worker disconnected, unless it has connected to another hub since. */
export async function markWorkerDisconnected(
  tx: Tx,
  workerId: string,
  hubId: string,
  now: number,
): Promise<void> {
  await tx.run(sql`UPDATE workers SET state = 'disconnected', last_seen_at = ${now}
    WHERE id = ${workerId} AND hub_id = ${hubId}`);
}
