/**
 * Submission: a run is a root task; the root is created ready to expand
 * unless it already exists (same id ⇒ same task, so a repeat runs nothing
 * that is done).
 */
import { sql } from "drizzle-orm";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { Tx } from "../db/client.ts";
import type { Selector } from "../../shared/selector.ts";
import type { FamilyLookup } from "./family_defaults.ts";
import { inheritPriority } from "./steps/inherit_priority.ts";
import { insertTasks } from "./steps/insert_tasks.ts";
import { reopenDoneWrappers } from "./steps/reopen_wrappers.ts";
import { joinRunGraph } from "./steps/run_members.ts";
import { runFacts, runStateOf } from "./steps/run_states.ts";
import type { RunState, TaskState } from "../../shared/states.ts";

/** A validated submission. */
export interface Submission {
  runId: string;
  taskId: string;
  family: string;
  version: number;
  params: unknown;
  families: FamilyLookup;
  /** The run's priority (at least the family's); inherited by everything the root needs. */
  priority?: number;
  /** Overrides the family's pin for the root task. */
  pin?: Selector;
  /** An ordered regional preference for the root task, with spill-over. */
  prefer?: { label: string; values: string[]; spillAfterMs: number };
  backfillId?: string;
  /** The schedule that fires it, and for which nominal time (unique together). */
  schedule?: { id: string; nominalAt: number };
  /** Who submitted it (a token's name, an SSO user); a backfill's runs carry its creator. */
  submittedBy?: string | null;
  now: number;
}

/**
 * Inserts the run and (if new) its root task; returns the root's state. The
 * run starts in the state the run-state rule gives its graph as it is now.
 * One transaction: no completion or failure can land between reading the
 * graph's state and storing the run's.
 */
export async function submitRun(
  tx: Tx,
  s: Submission,
): Promise<{ rootState: TaskState; runState: RunState; created: boolean }> {
  const params = canonicalJson(s.params);
  const created = await insertTasks(
    tx,
    [{
      id: s.taskId,
      family: s.family,
      version: s.version,
      params: s.params,
      priority: s.priority,
      pinOverride: s.pin,
      spill: s.prefer,
    }],
    s.families,
    s.now,
  );
  // A wrapper is complete only while what it requires now is: expand it again.
  if (created.length === 0) await reopenDoneWrappers(tx, [s.taskId], s.now);
  const priority = s.priority ?? 0;
  if (created.length === 0 && priority > 0) {
    // A task already known: a more urgent run raises it and what it needs.
    await tx.run(
      sql`UPDATE tasks SET priority = ${priority} WHERE id = ${s.taskId} AND priority < ${priority}`,
    );
    await inheritPriority(tx, s.taskId);
  }
  // A new root is ready to expand; a known one brings its whole graph along.
  const facts = created.length > 0
    ? { root: "ready" as const, failed: 0, cancelled: 0 }
    : await runFacts(tx, s.taskId);
  const rootState = facts.root!;
  const runState = runStateOf(facts);
  await tx.run(sql`
    INSERT INTO runs (id, root_task_id, family, params, state, priority, backfill_id,
      schedule_id, nominal_at, submitted_by, created_at, finished_at)
    VALUES (${s.runId}, ${s.taskId}, ${s.family}, ${params}, ${runState}, ${priority},
      ${s.backfillId ?? null}, ${s.schedule?.id ?? null}, ${s.schedule?.nominalAt ?? null},
      ${s.submittedBy ?? null}, ${s.now}, ${runState === "running" ? null : s.now})`);
  await joinRunGraph(tx, s.runId, s.taskId);
  return { rootState, runState, created: created.length > 0 };
}
