/**
 * Bearer tokens: random, recognisable (`drv_<id>_<secret>`, so secret
 * scanners find a leaked one), stored only as a SHA-256 hash, revocable.
 * A worker token carries a label scope: the worker must carry those labels.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Labels } from "../../shared/selector.ts";
import type { Db, Tx } from "../db/client.ts";
import { generateToken, TOKEN_PATTERN, tokenIdOf } from "../../shared/token_format.ts";

export type { TokenRole } from "../../shared/api_schemas_admin.ts";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";

/** A token as stored (no secret). */
export interface TokenInfo {
  id: string;
  role: TokenRole;
  scope: Labels;
  name: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function toInfo(r: Record<string, unknown>): TokenInfo {
  return {
    id: String(r.id),
    role: r.role as TokenRole,
    scope: JSON.parse(String(r.scope)),
    name: String(r.name),
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

/** Creates a token; the secret is returned once and never stored. */
export async function createToken(
  tx: Tx,
  t: { role: TokenRole; scope: Labels; name: string; now: number },
): Promise<{ token: string; info: TokenInfo }> {
  const { id, token } = generateToken();
  await tx.run(sql`
    INSERT INTO tokens (id, hash, role, scope, name, created_at)
    VALUES (${id}, ${hashToken(token)}, ${t.role}, ${
    JSON.stringify(t.scope)
  }, ${t.name}, ${t.now})`);
  return {
    token,
    info: {
      id,
      role: t.role,
      scope: t.scope,
      name: t.name,
      createdAt: t.now,
      revokedAt: null,
      lastUsedAt: null,
    },
  };
}

/** The live (not revoked) token `token` is, or undefined. */
export async function findToken(db: Db | Tx, token: string): Promise<TokenInfo | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await db.all<Record<string, unknown>>(
    sql`SELECT * FROM tokens WHERE hash = ${hashToken(token)} AND revoked_at IS NULL`,
  );
  return row ? toInfo(row) : undefined;
}

/** Every token, newest first (no secrets). */
export async function listTokens(db: Db | Tx): Promise<TokenInfo[]> {
  const rows = await db.all<Record<string, unknown>>(
    sql`SELECT * FROM tokens ORDER BY created_at DESC`,
  );
  return rows.map(toInfo);
}

/** Revokes a token; false when it does not exist. */
export async function revokeToken(tx: Tx, id: string, now: number): Promise<boolean> {
  const rows = await tx.all<{ id: string }>(sql`
    UPDATE tokens SET revoked_at = coalesce(revoked_at, ${now}) WHERE id = ${id} RETURNING id`);
  return rows.length > 0;
}

/** Of `ids`, the tokens revoked since (for closing their sessions on every hub). */
export async function revokedAmong(db: Db | Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  return (await db.all<{ id: string }>(
    sql`SELECT id FROM tokens WHERE id IN (${list}) AND revoked_at IS NOT NULL`,
  ))
    .map((r) => r.id);
}

/**
 * Why `labels` fall outside a worker token's `scope`, or null when they fit:
 * every scope label must be carried with the same value.
 */
export function scopeViolation(scope: Labels, labels: Labels): string | null {
  const bad = Object.entries(scope).filter(([k, v]) => labels[k] !== v);
  if (bad.length === 0) return null;
  const want = Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(",");
  const got = bad.map(([k]) => `${k}=${labels[k] ?? "(none)"}`).join(",");
  return `the worker token's scope ${want} does not allow labels ${got}`;
}

/** How the hub made sure an admin token exists at start. */
export type AdminBootstrap =
  | { kind: "generated"; token: string; id: string }
  | { kind: "preset"; id: string }
  | { kind: "existing" };

/**
 * Makes sure an admin can reach the API. With `preset` (DROVER_ADMIN_TOKEN)
 * that token is stored (its hash) unless it already is; without, when no
 * live admin token exists (a new database), one is generated and returned
 * for printing once. Both are single statements, so hubs starting together
 * on an empty database create one token between them.
 */
export async function ensureAdminToken(
  tx: Tx,
  preset: string | undefined,
  now: number,
): Promise<AdminBootstrap> {
  if (preset !== undefined) {
    const id = tokenIdOf(preset);
    if (!id) throw new TypeError("DROVER_ADMIN_TOKEN is not a Drover token (drv_tok_…)");
    const inserted = await tx.all<{ id: string }>(sql`
      INSERT INTO tokens (id, hash, role, scope, name, created_at)
      VALUES (${id}, ${hashToken(preset)}, 'admin', '{}', 'admin (DROVER_ADMIN_TOKEN)', ${now})
      ON CONFLICT (id) DO NOTHING
      RETURNING id`);
    if (inserted.length === 0) {
      const [existing] = await tx.all<{ hash: string }>(
        sql`SELECT hash FROM tokens WHERE id = ${id}`,
      );
      if (existing?.hash !== hashToken(preset)) {
        throw new TypeError(`DROVER_ADMIN_TOKEN's id ${id} belongs to another stored token`);
      }
      return { kind: "existing" };
    }
    return { kind: "preset", id };
  }
  const { id, token } = generateToken();
  const rows = await tx.all<{ id: string }>(sql`
    INSERT INTO tokens (id, hash, role, scope, name, created_at)
    SELECT ${id}, ${hashToken(token)}, 'admin', '{}', 'admin (first start)', ${now}
    WHERE NOT EXISTS (SELECT 1 FROM tokens WHERE role = 'admin' AND revoked_at IS NULL)
    RETURNING id`);
  return rows.length > 0 ? { kind: "generated", token, id } : { kind: "existing" };
}
