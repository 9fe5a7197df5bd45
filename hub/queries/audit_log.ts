/** The audit log, newest first, filtered and a page at a time. */
import { sql } from "drizzle-orm";
import type { AuditEntry } from "../../shared/api_schemas_admin.ts";
import type { Reader } from "../db/client.ts";

/** Entries newest first; `before` is the `next` cursor of the previous page. */
export async function readAudit(
  db: Reader,
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
