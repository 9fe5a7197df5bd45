/** Workers the hubs have seen: the list, lookup by id or name, and the flags a hub polls. */
import { sql } from "drizzle-orm";
import type { Worker } from "../../shared/api_schemas_admin.ts";
import type { Reader } from "../db/client.ts";

interface WorkerRow {
  id: string;
  name: string;
  labels: string;
  version: string;
  slots: number;
  hubId: string | null;
  state: Worker["state"];
  cordoned: number;
  draining: number;
  connectedAt: number;
  lastSeenAt: number;
  leases: number;
}

/** Every worker, connected first, with its current lease count. */
export async function listWorkers(db: Reader): Promise<Worker[]> {
  const rows = await db.all<WorkerRow>(sql`
    SELECT w.id, w.name, w.labels, w.version, w.slots, w.hub_id AS hubId, w.state,
      w.cordoned, w.draining, w.connected_at AS connectedAt, w.last_seen_at AS lastSeenAt,
      (SELECT count(*) FROM tasks t WHERE t.state = 'leased' AND t.lease_owner = w.id) AS leases
    FROM workers w ORDER BY w.state, w.name`);
  return rows.map((r) => ({
    ...r,
    labels: JSON.parse(r.labels),
    cordoned: Boolean(r.cordoned),
    draining: Boolean(r.draining),
  }));
}

/** Workers whose id or name is `ref`, with their connection state. */
export async function workersNamed(
  db: Reader,
  ref: string,
): Promise<Array<{ id: string; name: string; state: string }>> {
  return await db.all<{ id: string; name: string; state: string }>(
    sql`SELECT id, name, state FROM workers WHERE id = ${ref} OR name = ${ref}`,
  );
}

/** Cordon and drain flags, and leases held, of the workers `ids` (set through any hub). */
export async function workerFlags(
  db: Reader,
  ids: readonly string[],
): Promise<Array<{ id: string; cordoned: boolean; draining: boolean; leases: number }>> {
  if (ids.length === 0) return [];
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const rows = await db.all<{ id: string; cordoned: number; draining: number; leases: number }>(sql`
    SELECT w.id, w.cordoned, w.draining,
      (SELECT count(*) FROM tasks t WHERE t.state = 'leased' AND t.lease_owner = w.id) AS leases
    FROM workers w WHERE w.id IN (${list})`);
  return rows.map((r) => ({
    id: r.id,
    cordoned: Boolean(r.cordoned),
    draining: Boolean(r.draining),
    leases: Number(r.leases),
  }));
}
