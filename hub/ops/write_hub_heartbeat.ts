/** Every hub keeps a row in `hubs` with its last heartbeat; a stopping hub removes it. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Writes this hub's heartbeat (its row, created on the first beat). */
export async function writeHubHeartbeat(
  tx: Tx,
  hub: { id: string; url: string; now: number },
): Promise<void> {
  await tx.run(sql`
    INSERT INTO hubs (id, url, started_at, heartbeat_at)
    VALUES (${hub.id}, ${hub.url}, ${hub.now}, ${hub.now})
    ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`);
}

/** Removes this hub's row when it stops cleanly. */
export async function removeHub(tx: Tx, hubId: string): Promise<void> {
  await tx.run(sql`DELETE FROM hubs WHERE id = ${hubId}`);
}
