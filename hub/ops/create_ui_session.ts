/** A web UI sign-in: stores a session for a token, clearing expired ones on the way. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** A new session: the hash of its id (the cookie holds the id itself), its token and csrf. */
export interface NewUiSession {
  idHash: string;
  tokenId: string;
  csrf: string;
  now: number;
  expiresAt: number;
}

/** Inserts the session; sessions past their expiry go in the same transaction. */
export async function createUiSession(tx: Tx, s: NewUiSession): Promise<void> {
  await tx.run(sql`DELETE FROM ui_sessions WHERE expires_at <= ${s.now}`);
  await tx.run(sql`
    INSERT INTO ui_sessions (id_hash, token_id, csrf, created_at, expires_at, last_seen_at)
    VALUES (${s.idHash}, ${s.tokenId}, ${s.csrf}, ${s.now}, ${s.expiresAt}, ${s.now})`);
}
