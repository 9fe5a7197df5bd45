/**
 * The family registry: what workers advertised about the task families they
 * run (name, version, parameter JSON Schema, pin, retry policy). The hub
 * checks every submission against it and stamps family defaults on new tasks.
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { FamilyOptions } from "../../shared/family_options.ts";
import type { FamilyInfo } from "../../shared/protocol.ts";
import { pinKey } from "../../shared/selector.ts";
import { formatIssues } from "../../shared/format_issues.ts";
import { taskId } from "../../shared/task_id.ts";
import type { Db, Tx } from "../db/client.ts";
import type { FamilyDefaults } from "../ops/family_defaults.ts";
import { createHash } from "node:crypto";

/** A registered family, as the API shows it. */
export interface RegisteredFamily {
  name: string;
  version: number;
  description: string | null;
  paramsSchema: Record<string, unknown>;
  pin: string;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  hasRun: boolean;
  priority: number;
  timeoutMs: number | null;
  options: FamilyOptions;
  /** While in the future, no task of the family starts. */
  disabledUntil: number | null;
  schemaHash: string;
}

/** A bad submission: 400 with the field named. */
export class InvalidParamsError extends TypeError {
  readonly field: string | null;
  constructor(message: string, field: string | null) {
    super(message);
    this.name = "InvalidParamsError";
    this.field = field;
  }
}

/** A family no worker has advertised. */
export class UnknownFamilyError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "UnknownFamilyError";
  }
}

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

/** The registry with an in-memory cache over the `families` table. */
export class FamilyRegistry {
  #byKey = new Map<string, RegisteredFamily>();
  #validators = new Map<string, z.ZodType>();

  /** Loads every registered family (on start, and when a lookup misses). */
  async load(db: Db | Tx): Promise<void> {
    const rows = await db.all<Record<string, unknown>>(sql`SELECT * FROM families`);
    const next = new Map<string, RegisteredFamily>();
    for (const r of rows) {
      const f = toFamily(r);
      next.set(`${f.name}@${f.version}`, f);
    }
    this.#byKey = next;
  }

  /** Every registered family, newest version first within a name. */
  list(): RegisteredFamily[] {
    return [...this.#byKey.values()].sort((a, b) =>
      a.name.localeCompare(b.name) || b.version - a.version
    );
  }

  /** One family@version. */
  get(name: string, version: number): RegisteredFamily | undefined {
    return this.#byKey.get(`${name}@${version}`);
  }

  /** The highest registered version of `name`. */
  latest(name: string): RegisteredFamily | undefined {
    let best: RegisteredFamily | undefined;
    for (const f of this.#byKey.values()) {
      if (f.name === name && (!best || f.version > best.version)) best = f;
    }
    return best;
  }

  /** Defaults stamped on new tasks of a family. */
  defaults = (name: string, version: number): FamilyDefaults | undefined => {
    const f = this.get(name, version);
    if (!f) return undefined;
    return {
      pin: f.pin,
      priority: f.priority,
      maxAttempts: f.retry.maxAttempts,
      retryBaseMs: f.retry.baseDelayMs,
      retryMaxMs: f.retry.maxDelayMs,
      hasRun: f.hasRun,
      options: f.options,
    };
  };

  /**
   * Records what a worker advertised. A family@version registered with a
   * different schema is a conflict while a connected worker still
   * advertises the old one; otherwise the new advertisement replaces it.
   */
  async register(
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
        const holders = await tx.all<{ id: string; name: string }>(sql`
          SELECT w.id, w.name FROM workers w, json_each(w.families) j
          WHERE w.state = 'connected' AND w.id != ${workerId}
            AND j.value = ${`${f.name}@${f.version}#${existing.schema_hash}`}`);
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
      const registered: RegisteredFamily = {
        name: f.name,
        version: f.version,
        description: f.description ?? null,
        paramsSchema: f.paramsSchema,
        pin: pinKey(f.pin),
        retry: f.retry,
        hasRun: f.hasRun,
        priority: f.priority,
        timeoutMs: f.timeoutMs ?? null,
        options: f.options,
        disabledUntil: this.#byKey.get(`${f.name}@${f.version}`)?.disabledUntil ?? null,
        schemaHash: hash,
      };
      const key = `${f.name}@${f.version}`;
      if (this.#byKey.get(key)?.schemaHash !== hash) this.#validators.delete(key);
      this.#byKey.set(key, registered);
    }
  }

  /**
   * Validates submitted params against the family's JSON Schema (defaults
   * applied, unknown fields refused) and returns them with the task id.
   */
  parseSubmission(
    family: RegisteredFamily,
    params: unknown,
  ): { params: unknown; id: string } {
    const key = `${family.name}@${family.version}`;
    let schema = this.#validators.get(key);
    if (!schema) {
      schema = z.fromJSONSchema(closeObjects(family.paramsSchema) as never);
      this.#validators.set(key, schema);
    }
    const props = family.paramsSchema.properties;
    if (props && typeof props === "object" && params && typeof params === "object") {
      const known = new Set(Object.keys(props));
      const unknown = Object.keys(params).filter((k) => !known.has(k));
      if (unknown.length > 0) {
        throw new InvalidParamsError(
          `Unknown parameter${unknown.length > 1 ? "s" : ""} for ${family.name}: ${
            unknown.map((k) => `"${k}"`).join(", ")
          } (known: ${[...known].join(", ") || "none"})`,
          `params.${unknown[0]}`,
        );
      }
    }
    const result = schema.safeParse(params);
    if (!result.success) {
      const first = result.error.issues[0];
      throw new InvalidParamsError(
        `Invalid parameters for ${family.name}: ${formatIssues(result.error.issues)}`,
        first ? ["params", ...first.path].join(".") : null,
      );
    }
    return { params: result.data, id: taskId(family.name, family.version, result.data) };
  }
}

function toFamily(r: Record<string, unknown>): RegisteredFamily {
  return {
    name: String(r.name),
    version: Number(r.version),
    description: r.description === null ? null : String(r.description),
    paramsSchema: JSON.parse(String(r.params_schema)),
    pin: String(r.pin),
    retry: JSON.parse(String(r.retry)),
    hasRun: Boolean(r.has_run),
    priority: Number(r.priority),
    timeoutMs: r.timeout_ms === null ? null : Number(r.timeout_ms),
    options: JSON.parse(String(r.options ?? "{}")),
    disabledUntil: r.disabled_until === null || r.disabled_until === undefined
      ? null
      : Number(r.disabled_until),
    schemaHash: String(r.schema_hash),
  };
}

/**
 * Marks every object schema that does not say otherwise as closed
 * (`additionalProperties: false`). zod's `z.object` strips unknown keys on the
 * worker; the hub must refuse them instead (at any depth), or it would keep
 * keys the worker drops and the two would compute different ids.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = closeObjects(v);
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}
