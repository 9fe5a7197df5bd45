/** Resuming: a paused family or region can be leased again. */
import { sql } from "drizzle-orm";
import type { PauseKind } from "../../shared/api_schemas_admin.ts";
import type { Tx } from "../db/client.ts";

/** Lifts a pause; false when there was none. */
export async function liftPause(tx: Tx, kind: PauseKind, value: string): Promise<boolean> {
  const rows = await tx.all<{ value: string }>(sql`
    DELETE FROM pauses WHERE kind = ${kind} AND value = ${value} RETURNING value`);
  return rows.length > 0;
}
