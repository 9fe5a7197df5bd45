/**
 * The audit log: every mutating API call, allowed or refused, with who made
 * it (the token), what it did, its target, when, and how it ended.
 */
import { sql } from "drizzle-orm";
import type { AuditEntry, TokenRole } from "../../shared/api_schemas_admin.ts";
import type { Tx } from "../db/client.ts";

/** Appends an entry. */
export async function writeAudit(
  tx: Tx,
  e: {
    at: number;
    /** Who acted: a token (`tok_…`) or an SSO user (`sso:<user>`); null without credentials. */
    actor: { id: string; name: string; role: TokenRole } | null;
    action: string;
    target: string | null;
    outcome: AuditEntry["outcome"];
    status: number;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await tx.run(sql`
    INSERT INTO audit_log (at, token_id, actor, role, action, target, outcome, status, detail)
    VALUES (${e.at}, ${e.actor?.id ?? null}, ${e.actor?.name ?? null}, ${e.actor?.role ?? null},
      ${e.action}, ${e.target}, ${e.outcome}, ${e.status}, ${JSON.stringify(e.detail)})`);
}
