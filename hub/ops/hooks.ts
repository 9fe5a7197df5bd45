/** Webhooks as stored (a delivery is accepted by `deliveries.ts`). */
import { sql } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";

/** A hook as stored. */
export interface HookRow {
  id: string;
  name: string;
  family: string;
  version: number | null;
  params: string;
  mapping: string;
  secret: string;
  key_header: string | null;
  key_field: string | null;
  priority: number;
  created_by: string | null;
  created_at: number;
}

/** Inserts `h` unless its name is taken; returns whether it was inserted. */
export async function insertHook(tx: Tx, h: HookRow): Promise<boolean> {
  const rows = await tx.all<{ id: string }>(sql`
    INSERT INTO hooks (id, name, family, version, params, mapping, secret, key_header, key_field,
      priority, created_by, created_at)
    VALUES (${h.id}, ${h.name}, ${h.family}, ${h.version}, ${h.params}, ${h.mapping}, ${h.secret},
      ${h.key_header}, ${h.key_field}, ${h.priority}, ${h.created_by}, ${h.created_at})
    ON CONFLICT (name) DO NOTHING RETURNING id`);
  return rows.length > 0;
}

/** The hook named `name`. */
export async function hookByName(db: Reader, name: string): Promise<HookRow | undefined> {
  const [row] = await db.all<HookRow>(sql`SELECT * FROM hooks WHERE name = ${name}`);
  return row;
}

/** Every hook, by name. */
export async function listHooks(db: Reader): Promise<HookRow[]> {
  return await db.all<HookRow>(sql`SELECT * FROM hooks ORDER BY name`);
}

/** Deletes the hook and its deliveries' keys; its runs stay. Returns whether it existed. */
export async function deleteHook(tx: Tx, name: string): Promise<boolean> {
  const hook = await hookByName(tx, name);
  if (!hook) return false;
  await tx.run(sql`DELETE FROM hook_deliveries WHERE hook_id = ${hook.id}`);
  await tx.run(sql`DELETE FROM hooks WHERE id = ${hook.id}`);
  return true;
}
