/** Tokens as stored (never their secrets): lookup by secret, the list, revocations. */
import { sql } from "drizzle-orm";
import type { TokenInfo, TokenRole } from "../../shared/api_schemas_admin.ts";
import { TOKEN_PATTERN } from "../../shared/token_format.ts";
import type { Reader } from "../db/client.ts";
import { hashToken } from "../db/token_hash.ts";

interface TokenRow {
  id: string;
  role: string;
  scope: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

function toInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    role: r.role as TokenRole,
    scope: JSON.parse(r.scope),
    name: r.name,
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

/** The live (not revoked) token `token` is, or undefined. */
export async function findToken(db: Reader, token: string): Promise<TokenInfo | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await db.all<TokenRow>(
    sql`SELECT * FROM tokens WHERE hash = ${hashToken(token)} AND revoked_at IS NULL`,
  );
  return row ? toInfo(row) : undefined;
}

/** Every token, newest first (no secrets). */
export async function listTokens(db: Reader): Promise<TokenInfo[]> {
  return (await db.all<TokenRow>(sql`SELECT * FROM tokens ORDER BY created_at DESC`)).map(toInfo);
}

/** Of `ids`, the tokens revoked since (for closing their sessions on every hub). */
export async function revokedAmong(db: Reader, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const rows = await db.all<{ id: string }>(
    sql`SELECT id FROM tokens WHERE id IN (${list}) AND revoked_at IS NOT NULL`,
  );
  return rows.map((r) => r.id);
}
