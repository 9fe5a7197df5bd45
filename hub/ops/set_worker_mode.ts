/** Cordon (no new leases), uncordon, or drain (cordon, then disconnect for good once idle). */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** A worker's mode as an operator sets it. */
export type WorkerMode = "cordon" | "uncordon" | "drain";

/** Sets the worker's flags, on whichever hub it is; false for an unknown worker. */
export async function setWorkerMode(tx: Tx, workerId: string, mode: WorkerMode): Promise<boolean> {
  const rows = await tx.all<{ id: string }>(sql`
    UPDATE workers SET cordoned = ${mode !== "uncordon" ? 1 : 0},
      draining = ${mode === "drain" ? 1 : 0}
    WHERE id = ${workerId} RETURNING id`);
  return rows.length > 0;
}
