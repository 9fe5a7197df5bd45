/**
 * Pausing: while a family (every version) or a region (workers whose
 * `region` label is it) is paused, no new lease of it is granted. Running
 * work is left alone and finishes.
 */
import { sql } from "drizzle-orm";
import type { PauseKind } from "../../shared/api_schemas_admin.ts";
import type { Tx } from "../db/client.ts";

/** Pauses a family or a region; false when it was already paused (the first pause stands). */
export async function setPause(
  tx: Tx,
  kind: PauseKind,
  value: string,
  reason: string | null,
  createdBy: string | null,
  now: number,
): Promise<boolean> {
  if (value === "") throw new TypeError(`Cannot pause a ${kind} with an empty name`);
  const rows = await tx.all<{ value: string }>(sql`
    INSERT INTO pauses (kind, value, reason, created_by, created_at)
    VALUES (${kind}, ${value}, ${reason}, ${createdBy}, ${now})
    ON CONFLICT (kind, value) DO NOTHING
    RETURNING value`);
  return rows.length > 0;
}
