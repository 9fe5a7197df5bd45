/** Signing out: the session row goes, so its cookie opens nothing any more. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Deletes the session whose id hashes to `idHash`; whether there was one. */
export async function endUiSession(tx: Tx, idHash: string): Promise<boolean> {
  const rows = await tx.all<{ id_hash: string }>(
    sql`DELETE FROM ui_sessions WHERE id_hash = ${idHash} RETURNING id_hash`,
  );
  return rows.length > 0;
}
