/**
 * The family registry in memory: what workers advertised about the task
 * families they run, cached over the `families` table. The hub checks every
 * submission against it and stamps family defaults on new tasks. The cache
 * is filled from the database (`replace`) and from hellos once they have
 * committed (`remember`); a miss reloads it, since another hub may have
 * registered a family since.
 */
import { z } from "zod";
import { formatIssues } from "../../shared/format_issues.ts";
import type { FamilyInfo } from "../../shared/protocol.ts";
import { pinKey } from "../../shared/selector.ts";
import { taskId } from "../../shared/task_id.ts";
import type { FamilyDefaults } from "../ops/family_defaults.ts";
import { familyHash } from "../ops/register_families.ts";
import type { WriteQueue } from "../db/write_queue.ts";
import { loadFamilies, type RegisteredFamily } from "../queries/families.ts";

export type { RegisteredFamily };

/** A bad submission: 400 with the field named. */
export class InvalidParamsError extends TypeError {
  readonly field: string | null;
  constructor(message: string, field: string | null) {
    super(message);
    this.name = "InvalidParamsError";
    this.field = field;
  }
}

/** How often a hub looks again for a family it lacks, for work done every tick. */
const MISS_RELOAD_MS = 10_000;

/** The registry's cache. */
export class FamilyRegistry {
  #byKey = new Map<string, RegisteredFamily>();
  #missReloadAt = -Infinity;
  #validators = new Map<string, z.ZodType>();

  /** Replaces the cache with every family the database holds. */
  replace(families: readonly RegisteredFamily[]): void {
    const next = new Map<string, RegisteredFamily>();
    for (const f of families) {
      const key = `${f.name}@${f.version}`;
      if (this.#byKey.get(key)?.schemaHash !== f.schemaHash) this.#validators.delete(key);
      next.set(key, f);
    }
    this.#byKey = next;
  }

  /** Replaces the cache with what the database holds now (another hub may have registered more). */
  async reload(queue: WriteQueue): Promise<void> {
    this.replace(await queue.read((db) => loadFamilies(db)));
  }

  /**
   * Reloads for a family this hub lacks (another hub's worker may have
   * registered it), at most once every 10 s: what works on every tick
   * (schedules, stream triggers) asks each time it misses one.
   */
  async reloadForMiss(queue: WriteQueue, now: number): Promise<void> {
    if (now - this.#missReloadAt < MISS_RELOAD_MS) return;
    this.#missReloadAt = now;
    await this.reload(queue);
  }

  /** Caches what a worker advertised, once its registration has committed. */
  remember(families: readonly FamilyInfo[]): void {
    for (const f of families) {
      const key = `${f.name}@${f.version}`;
      const hash = familyHash(f);
      if (this.#byKey.get(key)?.schemaHash !== hash) this.#validators.delete(key);
      this.#byKey.set(key, {
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
        disabledUntil: this.#byKey.get(key)?.disabledUntil ?? null,
        schemaHash: hash,
      });
    }
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
