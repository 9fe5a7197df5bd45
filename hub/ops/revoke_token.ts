/** Revoking a token: at once, on every hub; never the last live admin token. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** How a revocation ended. */
export type Revocation = "revoked" | "missing" | "last_admin";

/**
 * Revokes token `id` (a repeat keeps the first time). The last live admin
 * token is refused: without it nobody could reach the API to make another.
 * The check and the update share the write transaction, so two hubs
 * revoking the last two admin tokens at once cannot both succeed.
 */
export async function revokeToken(tx: Tx, id: string, now: number): Promise<Revocation> {
  const [target] = await tx.all<{ role: string; revoked_at: number | null }>(
    sql`SELECT role, revoked_at FROM tokens WHERE id = ${id}`,
  );
  if (!target) return "missing";
  if (target.role === "admin" && target.revoked_at === null) {
    const [admins] = await tx.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM tokens WHERE role = 'admin' AND revoked_at IS NULL`,
    );
    if ((admins?.n ?? 0) <= 1) return "last_admin";
  }
  await tx.run(sql`UPDATE tokens SET revoked_at = coalesce(revoked_at, ${now}) WHERE id = ${id}`);
  return "revoked";
}
