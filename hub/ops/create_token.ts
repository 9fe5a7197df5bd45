/** Creating a token: random, recognisable, stored only as a hash; the secret is returned once. */
import { sql } from "drizzle-orm";
import type { TokenInfo, TokenRole } from "../../shared/api_schemas_admin.ts";
import type { Labels } from "../../shared/selector.ts";
import { generateToken } from "../../shared/token_format.ts";
import type { Tx } from "../db/client.ts";
import { hashToken } from "../db/token_hash.ts";

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
