/**
 * Inserts new tasks with their family's defaults (pin, priority, retry
 * policy, resources, batch key, external deadline). Existing ids are left
 * alone: tasks are deduplicated by id.
 */
import { canonicalJson } from "../../../shared/canonical_json.ts";
import { pinKey, type Selector } from "../../../shared/selector.ts";
import type { Tx } from "../../db/client.ts";
import { yieldNow } from "../../db/yield_now.ts";
import { chunks } from "../../db/chunks.ts";
import { marks, rawAll, rows } from "../../db/raw_sql.ts";
import { type FamilyLookup, UNKNOWN_FAMILY } from "../family_defaults.ts";

/** A task to insert, ready to expand. */
export interface NewTask {
  id: string;
  family: string;
  version: number;
  params: unknown;
  /** Overrides the family's priority (a run's priority, inherited priority). */
  priority?: number;
  /** The task's own pin (computed by a worker from its params). */
  pin?: Selector;
  /** A run's pin override: wins over the family's and the worker's. */
  pinOverride?: Selector;
  /** A run's regional preference, stored as the task's spill-over state. */
  spill?: { label: string; values: string[]; spillAfterMs: number };
  /**
   * Already expanded, requiring nothing, its outputs missing: inserted ready
   * to run rather than ready to expand (what its expansion would make it),
   * in one write instead of an insert and an update.
   */
  runnable?: boolean;
}

/** The batch key: the params without the batch parameter (siblings share it). */
export function batchKey(params: unknown, batchParam: string | undefined): string | null {
  if (!batchParam || params === null || typeof params !== "object") return null;
  const rest = { ...(params as Record<string, unknown>) };
  delete rest[batchParam];
  return canonicalJson(rest);
}

/** Inserts the tasks not yet known; returns the ids inserted. */
export async function insertTasks(
  tx: Tx,
  tasks: readonly NewTask[],
  families: FamilyLookup,
  now: number,
): Promise<string[]> {
  const inserted: string[] = [];
  for (const part of chunks(tasks, 150)) {
    await yieldNow();
    const args = part.flatMap((t) => {
      const f = families(t.family, t.version) ?? UNKNOWN_FAMILY;
      const external = f.options.external;
      const pin = t.spill
        ? pinKey({ [t.spill.label]: t.spill.values[0]! })
        : t.pinOverride !== undefined
        ? pinKey(t.pinOverride)
        : t.pin !== undefined
        ? pinKey(t.pin)
        : f.pin;
      // Non-null `pin_spill` marks a pin the run chose: workers do not re-pin it.
      const spill = t.spill
        ? canonicalJson({ ...t.spill, stage: 0 })
        : t.pinOverride !== undefined
        ? canonicalJson({ fixed: true })
        : null;
      return [
        t.id,
        t.family,
        t.version,
        canonicalJson(t.params ?? {}),
        pin,
        Math.max(f.priority, t.priority ?? f.priority),
        f.maxAttempts,
        f.retryBaseMs,
        f.retryMaxMs,
        canonicalJson(f.options.resources),
        batchKey(t.params, f.options.batch?.param),
        external ? now + external.deadlineMs : null,
        spill,
        t.runnable ? "run" : "expand",
        t.runnable ? 1 : null,
        t.runnable ? now : 0,
        now,
        now,
        now,
      ];
    });
    const inserts = await rawAll<{ id: string }>(tx, {
      text: `INSERT INTO tasks (id, family, version, params, state, pin, priority,
        max_attempts, retry_base_ms, retry_max_ms, resources, batch_key, external_deadline_at,
        pin_spill, kind, has_run, next_attempt_at, created_at, updated_at, ready_at)
      VALUES ${rows(part.length, `(?, ?, ?, ?, 'ready', ${marks(15)})`)}
      ON CONFLICT (id) DO NOTHING
      RETURNING id`,
      args,
    });
    for (const r of inserts) inserted.push(r.id);
  }
  return inserted;
}
