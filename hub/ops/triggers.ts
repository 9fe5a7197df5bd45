/** Stream triggers as stored: create, list, pause, resume, delete. */
import { sql } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";

/** A trigger as stored. */
export interface TriggerRow {
  id: string;
  name: string;
  kind: string;
  /** JSON: the source's settings (`JetStreamSource` for `jetstream`). */
  source: string;
  family: string;
  version: number | null;
  params: string;
  mapping: string;
  key_field: string | null;
  priority: number;
  paused_at: number | null;
  pause_reason: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** Inserts `t` unless its name is taken; returns whether it was. */
export async function insertTrigger(tx: Tx, t: TriggerRow): Promise<boolean> {
  const rows = await tx.all<{ id: string }>(sql`
    INSERT INTO triggers (id, name, kind, source, family, version, params, mapping, key_field,
      priority, paused_at, pause_reason, created_by, created_at, updated_at)
    VALUES (${t.id}, ${t.name}, ${t.kind}, ${t.source}, ${t.family}, ${t.version}, ${t.params},
      ${t.mapping}, ${t.key_field}, ${t.priority}, ${t.paused_at}, ${t.pause_reason},
      ${t.created_by}, ${t.created_at}, ${t.updated_at})
    ON CONFLICT (name) DO NOTHING RETURNING id`);
  return rows.length > 0;
}

/** The trigger named `name`. */
export async function triggerByName(db: Reader, name: string): Promise<TriggerRow | undefined> {
  const [row] = await db.all<TriggerRow>(sql`SELECT * FROM triggers WHERE name = ${name}`);
  return row;
}

/** Every trigger, by name. */
export async function listTriggers(db: Reader): Promise<TriggerRow[]> {
  return await db.all<TriggerRow>(sql`SELECT * FROM triggers ORDER BY name`);
}

/** Pauses it (a pause already there keeps its time; the reason is replaced). */
export async function pauseTrigger(
  tx: Tx,
  name: string,
  reason: string | null,
  now: number,
): Promise<TriggerRow | undefined> {
  await tx.run(sql`
    UPDATE triggers SET paused_at = coalesce(paused_at, ${now}), pause_reason = ${reason},
      updated_at = ${now}
    WHERE name = ${name}`);
  return await triggerByName(tx, name);
}

/** Resumes it: its consumer goes on from the first message not yet acknowledged. */
export async function resumeTrigger(
  tx: Tx,
  name: string,
  now: number,
): Promise<TriggerRow | undefined> {
  await tx.run(sql`
    UPDATE triggers SET paused_at = NULL, pause_reason = NULL, updated_at = ${now}
    WHERE name = ${name} AND paused_at IS NOT NULL`);
  return await triggerByName(tx, name);
}

/** Deletes it and its messages' keys; its runs stay. Returns the row it deleted. */
export async function deleteTrigger(tx: Tx, name: string): Promise<TriggerRow | undefined> {
  const t = await triggerByName(tx, name);
  if (!t) return undefined;
  await tx.run(sql`DELETE FROM trigger_deliveries WHERE trigger_id = ${t.id}`);
  await tx.run(sql`DELETE FROM triggers WHERE id = ${t.id}`);
  return t;
}
