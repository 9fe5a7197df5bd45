/** Named global resources: their limits, and what running tasks hold now. */
import { sql } from "drizzle-orm";
import type { Resource } from "../../shared/api_schemas_admin.ts";
import type { Reader } from "../db/client.ts";

/** The limit of a resource nobody configured (as in Luigi). */
export const DEFAULT_RESOURCE_LIMIT = 1;

/** Limits set on the hub, by resource name. */
export async function resourceLimits(db: Reader): Promise<Map<string, number>> {
  const rows = await db.all<{ name: string; limit: number }>(
    sql`SELECT name, "limit" FROM resource_limits`,
  );
  return new Map(rows.map((r) => [r.name, r.limit]));
}

/** Units held by running tasks, by resource name. */
export async function resourcesInUse(db: Reader): Promise<Map<string, number>> {
  const held = await db.all<{ resources: string }>(sql`
    SELECT resources FROM tasks WHERE state = 'leased' AND kind = 'run' AND resources != '{}'`);
  const used = new Map<string, number>();
  for (const h of held) {
    for (const [name, n] of Object.entries(JSON.parse(h.resources) as Record<string, number>)) {
      used.set(name, (used.get(name) ?? 0) + n);
    }
  }
  return used;
}

/** Every resource configured, declared by a family, or held, by name. */
export async function listResources(db: Reader): Promise<Resource[]> {
  const limits = await resourceLimits(db);
  const used = await resourcesInUse(db);
  const families = await db.all<{ options: string }>(sql`SELECT options FROM families`);
  const names = new Set([...limits.keys(), ...used.keys()]);
  for (const f of families) {
    const declared = (JSON.parse(f.options).resources ?? {}) as Record<string, number>;
    for (const name of Object.keys(declared)) names.add(name);
  }
  return [...names].sort((a, b) => a.localeCompare(b)).map((name) => ({
    name,
    limit: limits.get(name) ?? DEFAULT_RESOURCE_LIMIT,
    inUse: used.get(name) ?? 0,
    configured: limits.has(name),
  }));
}
