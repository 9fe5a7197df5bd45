/**
 * The first admin token: an admin must be able to reach the API on a new
 * database, with the token an operator preset or one made here and shown once.
 */
import { sql } from "drizzle-orm";
import { generateToken, tokenIdOf } from "../../shared/token_format.ts";
import type { Tx } from "../db/client.ts";
import { hashToken } from "../db/token_hash.ts";

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
