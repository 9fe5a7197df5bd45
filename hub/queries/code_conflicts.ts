/**
 * Families whose connected workers run different code: each worker
 * advertises, per family and version, a fingerprint of its code (and its
 * declaration). One family and version with two fingerprints is a conflict:
 * its tasks go to whichever worker has a free slot, so which code runs a
 * task is luck. The hub accepts such workers (a rolling deploy has two
 * builds side by side for a while) and shows the conflict: in the hello's
 * answer and the workers' logs, the family registry, and the task view.
 */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** One family and version with more than one fingerprint among connected workers. */
export interface CodeConflict {
  family: string;
  version: number;
  workers: Array<{ workerId: string; name: string; fingerprint: string }>;
}

/** What a worker advertises per family: `name@version#schemaHash#fingerprint`. */
export function advertisedFamily(
  f: { name: string; version: number; fingerprint?: string },
  schemaHash: string,
): string {
  return `${f.name}@${f.version}#${schemaHash}#${f.fingerprint ?? ""}`;
}

/** The conflicts among connected workers, by `name@version`. */
export async function codeConflicts(db: Reader): Promise<Map<string, CodeConflict>> {
  const rows = await db.all<{ id: string; name: string; families: string }>(
    sql`SELECT id, name, families FROM workers WHERE state = 'connected' ORDER BY name, id`,
  );
  const byFamily = new Map<string, CodeConflict>();
  for (const row of rows) {
    for (const entry of JSON.parse(row.families) as string[]) {
      const [key, , fingerprint] = entry.split("#");
      if (!key || !fingerprint) continue;
      const at = key.lastIndexOf("@");
      const conflict = byFamily.get(key) ??
        { family: key.slice(0, at), version: Number(key.slice(at + 1)), workers: [] };
      conflict.workers.push({ workerId: row.id, name: row.name, fingerprint });
      byFamily.set(key, conflict);
    }
  }
  for (const [key, c] of byFamily) {
    if (new Set(c.workers.map((w) => w.fingerprint)).size < 2) byFamily.delete(key);
  }
  return byFamily;
}

/** One line saying what a conflict is and what to do about it. */
export function describeConflict(c: CodeConflict): string {
  const sides = c.workers.map((w) => `"${w.name}" (${w.fingerprint})`).join(", ");
  return `Task family ${c.family} version ${c.version} runs different code on connected ` +
    `workers ${sides}: each task of it goes to any of them. Give the families different ` +
    `names, bump the version when its outputs change, or stop the workers with the old code.`;
}
