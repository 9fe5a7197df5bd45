/** A web UI session with its token: live only while unexpired and its token unrevoked. */
import { sql } from "drizzle-orm";
import type { TokenInfo, TokenRole } from "../../shared/api_schemas_admin.ts";
import type { Reader } from "../db/client.ts";

/** A live session: its token and csrf secret. */
export interface UiSession {
  token: TokenInfo;
  csrf: string;
  expiresAt: number;
}

interface Row {
  csrf: string;
  expires_at: number;
  id: string;
  role: string;
  scope: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

/**
 * The live session whose id hashes to `idHash`, or undefined. The join
 * with the token is the revocation: a revoked token's sessions end at once.
 */
export async function findUiSession(
  db: Reader,
  idHash: string,
  now: number,
): Promise<UiSession | undefined> {
  const [r] = await db.all<Row>(sql`
    SELECT s.csrf, s.expires_at, t.id, t.role, t.scope, t.name, t.created_at, t.revoked_at,
      t.last_used_at
    FROM ui_sessions s JOIN tokens t ON t.id = s.token_id
    WHERE s.id_hash = ${idHash} AND s.expires_at > ${now} AND t.revoked_at IS NULL
      AND t.role IN ('admin', 'operator', 'viewer')`);
  if (!r) return undefined;
  return {
    csrf: r.csrf,
    expiresAt: Number(r.expires_at),
    token: {
      id: r.id,
      role: r.role as TokenRole,
      scope: JSON.parse(r.scope),
      name: r.name,
      createdAt: Number(r.created_at),
      revokedAt: null,
      lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    },
  };
}
