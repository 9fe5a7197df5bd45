/**
 * Submission: a run is a root task; the root is created ready to expand
 * unless it already exists (same id ⇒ same task, so a repeat runs nothing
 * that is done).
 */
import { sql } from "drizzle-orm";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { Tx } from "../db/client.ts";
import type { FamilyDefaults } from "./family_defaults.ts";

/** A validated submission. */
export interface Submission {
  runId: string;
  taskId: string;
  family: string;
  version: number;
  params: unknown;
  defaults: FamilyDefaults;
  now: number;
}

/** Inserts the run and (if new) its root task; returns the root's state. */
export async function submitRun(
  tx: Tx,
  s: Submission,
): Promise<{ rootState: string; created: boolean }> {
  const params = canonicalJson(s.params);
  const created = await tx.all<{ id: string }>(sql`
    INSERT INTO tasks (id, family, version, params, state, kind, pin, priority, max_attempts,
      retry_base_ms, retry_max_ms, created_at, updated_at, ready_at)
    VALUES (${s.taskId}, ${s.family}, ${s.version}, ${params}, 'ready', 'expand',
      ${s.defaults.pin}, ${s.defaults.priority}, ${s.defaults.maxAttempts},
      ${s.defaults.retryBaseMs}, ${s.defaults.retryMaxMs}, ${s.now}, ${s.now}, ${s.now})
    ON CONFLICT (id) DO NOTHING
    RETURNING id`);
  const [root] = await tx.all<{ state: string }>(
    sql`SELECT state FROM tasks WHERE id = ${s.taskId}`,
  );
  const rootState = root!.state;
  const runState = rootState === "done" ? "done" : rootState === "failed" ? "failed" : "running";
  await tx.run(sql`
    INSERT INTO runs (id, root_task_id, family, params, state, created_at, finished_at)
    VALUES (${s.runId}, ${s.taskId}, ${s.family}, ${params}, ${runState}, ${s.now},
      ${runState === "running" ? null : s.now})`);
  return { rootState, created: created.length > 0 };
}
