/**
 * The family registry's table: what workers advertised about the families
 * they run (name, version, parameter JSON Schema, pin, retry policy, options).
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { FamilyInfo } from "../../shared/protocol.ts";
import { pinKey } from "../../shared/selector.ts";
import type { Tx } from "../db/client.ts";

/** Two workers advertise one family@version with different schemas. */
export class FamilyConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FamilyConflictError";
  }
}

/** Hash of what must agree between workers advertising one family@version. */
export function familyHash(f: FamilyInfo): string {
  return createHash("sha256")
    .update(
      canonicalJson({ params: f.paramsSchema, hasRun: f.hasRun, batch: f.options.batch ?? null }),
    )
    .digest("hex")
    .slice(0, 16);
}

/**
 * Records what worker `workerId` advertised. A family@version registered
 * with a different schema is a conflict ({@link FamilyConflictError}) while
 * a connected worker still advertises the old one; otherwise the new
 * advertisement replaces it. The check and the upsert share the write
 * transaction, so two workers with different schemas cannot both pass it.
 */
export async function registerFamilies(
  tx: Tx,
  workerId: string,
  families: readonly FamilyInfo[],
  now: number,
): Promise<void> {
  for (const f of families) {
    const hash = familyHash(f);
    const [existing] = await tx.all<{ schema_hash: string }>(
      sql`SELECT schema_hash FROM families WHERE name = ${f.name} AND version = ${f.version}`,
    );
    if (existing && existing.schema_hash !== hash) {
      // Advertised as `name@version#schemaHash#fingerprint` (without the last
      // part by hubs before fingerprints).
      const old = `${f.name}@${f.version}#${existing.schema_hash}`;
      const holders = await tx.all<{ id: string; name: string }>(sql`
        SELECT w.id, w.name FROM workers w, json_each(w.families) j
        WHERE w.state = 'connected' AND w.id != ${workerId}
          AND (j.value = ${old} OR substr(j.value, 1, ${old.length + 1}) = ${`${old}#`})`);
      if (holders.length > 0) {
        throw new FamilyConflictError(
          `Task family ${f.name} version ${f.version} is advertised with a different parameter ` +
            `schema by connected worker "${holders[0]!.name}": bump the family's version, or ` +
            `stop the workers running the old code first`,
        );
      }
    }
    await tx.run(sql`
      INSERT INTO families (name, version, description, params_schema, pin, retry, has_run,
        priority, timeout_ms, options, schema_hash, first_worker_id, updated_at)
      VALUES (${f.name}, ${f.version}, ${f.description ?? null}, ${canonicalJson(f.paramsSchema)},
        ${pinKey(f.pin)}, ${canonicalJson(f.retry)}, ${f.hasRun ? 1 : 0}, ${f.priority},
        ${f.timeoutMs ?? null}, ${canonicalJson(f.options)}, ${hash}, ${workerId}, ${now})
      ON CONFLICT (name, version) DO UPDATE SET
        description = excluded.description, params_schema = excluded.params_schema,
        pin = excluded.pin, retry = excluded.retry, has_run = excluded.has_run,
        priority = excluded.priority, timeout_ms = excluded.timeout_ms, options = excluded.options,
        schema_hash = excluded.schema_hash, updated_at = excluded.updated_at,
        first_worker_id = CASE WHEN families.schema_hash = excluded.schema_hash
          THEN families.first_worker_id ELSE excluded.first_worker_id END`);
  }
}
