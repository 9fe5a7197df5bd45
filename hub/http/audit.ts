/**
 * The audit log: every mutating API call, allowed or refused, with who made
 * it (the token), what it did, its target, when, and how it ended.
 */
import { sql } from "drizzle-orm";
import type { AuditEntry } from "../../shared/api_schemas_admin.ts";
import type { Db, Tx } from "../db/client.ts";
import type { TokenInfo } from "../ops/tokens.ts";

/** What a handler adds to its audit entry. */
export interface AuditNote {
  target?: string;
  detail: Record<string, unknown>;
}

/** Appends an entry. */
export async function writeAudit(
  tx: Tx,
  e: {
    at: number;
    token: TokenInfo | null;
    action: string;
    target: string | null;
    outcome: AuditEntry["outcome"];
    status: number;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await tx.run(sql`
    INSERT INTO audit_log (at, token_id, actor, role, action, target, outcome, status, detail)
    VALUES (${e.at}, ${e.token?.id ?? null}, ${e.token?.name ?? null}, ${e.token?.role ?? null},
      ${e.action}, ${e.target}, ${e.outcome}, ${e.status}, ${JSON.stringify(e.detail)})`);
}

/** Entries newest first; `before` is the `next` cursor of the previous page. */
export async function readAudit(
  db: Db | Tx,
  q: { limit: number; before?: number; action?: string; actor?: string; target?: string },
): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const where = [sql`1 = 1`];
  if (q.before !== undefined) where.push(sql`id < ${q.before}`);
  if (q.action) where.push(sql`action = ${q.action}`);
  if (q.actor) where.push(sql`(token_id = ${q.actor} OR actor = ${q.actor})`);
  if (q.target) where.push(sql`target = ${q.target}`);
  const rows = await db.all<Record<string, unknown>>(sql`
    SELECT * FROM audit_log WHERE ${
    sql.join(where, sql` AND `)
  } ORDER BY id DESC LIMIT ${q.limit}`);
  const entries = rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    tokenId: r.token_id as string | null,
    actor: r.actor as string | null,
    role: r.role as string | null,
    action: String(r.action),
    target: r.target as string | null,
    outcome: r.outcome as AuditEntry["outcome"],
    status: Number(r.status),
    detail: JSON.parse(String(r.detail)),
  }));
  const last = entries[entries.length - 1];
  return { entries, next: entries.length === q.limit && last ? String(last.id) : null };
}
