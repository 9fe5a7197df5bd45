/**
 * Firing schedules: every hub calls this on its dispatch tick, in a write
 * that excludes the others' (SQLite's one writer; PostgreSQL's write lock
 * held exclusive), so whichever hub gets there first fires a nominal time
 * and the next finds it behind the schedule's `last_nominal_at`. The run
 * records the schedule and nominal time, unique together, in the same
 * transaction: a hub that dies while firing leaves neither the run nor the
 * moved cursor, and a nominal time never makes two runs.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { newId } from "../db/new_id.ts";
import type { RevokedLease } from "./cancel_tasks.ts";
import { cancelRunTasks } from "./cancel_tasks.ts";
import type { FamilyLookup } from "./family_defaults.ts";
import { submitRun } from "./submit_run.ts";
import { type CatchUp, dueTimes, nextTimes, type ScheduleTiming } from "./schedule_times.ts";

/** A schedule as stored. */
export interface ScheduleRow {
  id: string;
  name: string;
  family: string;
  version: number | null;
  params: string;
  time_params: string;
  cron: string | null;
  interval_ms: number | null;
  zone: string;
  start_at: number | null;
  end_at: number | null;
  catch_up: string;
  overlap: "allow" | "skip" | "buffer" | "cancel";
  jitter_ms: number;
  priority: number;
  paused_at: number | null;
  pause_reason: string | null;
  last_nominal_at: number;
  next_at: number | null;
  buffered_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A run for a schedule's nominal time: the family version, parsed params and task id; or why not. */
export type PrepareRun = (
  s: ScheduleRow,
  nominalAt: number,
) => { version: number; params: unknown; taskId: string } | { error: string };

/** What happened to one nominal time (or, `missed`, to `count` of them). */
export interface FireOutcome {
  scheduleId: string;
  name: string;
  nominalAt: number;
  outcome: "fired" | "skipped";
  /** Why skipped: another run was going (`overlap`), the catch-up policy passed it over (`missed`), or the run could not be made (`invalid`, with `error`). */
  reason?: "overlap" | "missed" | "invalid";
  count?: number;
  error?: string;
  runId?: string;
}

/** What a firing round did, and the leases a `cancel` overlap revoked. */
export interface FireRound {
  outcomes: FireOutcome[];
  revoked: RevokedLease[];
}

/** The timing of a stored schedule. */
export function timingOf(s: ScheduleRow): ScheduleTiming {
  return {
    cron: s.cron,
    intervalMs: s.interval_ms,
    zone: s.zone,
    startAt: s.start_at,
    endAt: s.end_at,
    anchorAt: s.created_at,
  };
}

/** The schedule's fixed delay (ms), from its id: the same on every hub. */
export function jitterOf(s: Pick<ScheduleRow, "id" | "jitter_ms">): number {
  if (s.jitter_ms <= 0) return 0;
  let h = 2166136261;
  for (let i = 0; i < s.id.length; i++) h = Math.imul(h ^ s.id.charCodeAt(i), 16777619) >>> 0;
  return h % (s.jitter_ms + 1);
}

/** When a schedule whose fired times reach `through` looks again; null: it has ended. */
export function nextLook(s: ScheduleRow, through: number): number | null {
  const [next] = nextTimes(timingOf(s), through, 1);
  return next === undefined ? null : next + jitterOf(s);
}

/** Fires what is due at `now` (at most 100 schedules a round; the rest wait for the next tick). */
export async function fireSchedules(
  tx: Tx,
  prepare: PrepareRun,
  families: FamilyLookup,
  now: number,
): Promise<FireRound> {
  const round: FireRound = { outcomes: [], revoked: [] };
  const due = await tx.all<ScheduleRow>(sql`
    SELECT * FROM schedules WHERE paused_at IS NULL AND next_at <= ${now}
    ORDER BY next_at LIMIT 100`);
  for (const s of due) {
    const times = dueTimes(timingOf(s), s.last_nominal_at, now - jitterOf(s), catchUpOf(s));
    if (times.missed > 0) {
      round.outcomes.push({
        scheduleId: s.id,
        name: s.name,
        nominalAt: times.through,
        outcome: "skipped",
        reason: "missed",
        count: times.missed,
      });
    }
    // Runs going before this round: the round's own catch-up runs do not overlap each other.
    const before = await runningRuns(tx, s.id);
    for (const at of times.fire) await fireAt(tx, s, at, prepare, families, now, round, before);
    await tx.run(sql`
      UPDATE schedules SET last_nominal_at = ${times.through},
        next_at = ${nextLook(s, times.through)}, updated_at = ${now}
      WHERE id = ${s.id}`);
  }
  // A buffered time fires once its schedule's run has ended.
  const buffered = await tx.all<ScheduleRow>(sql`
    SELECT * FROM schedules s WHERE buffered_at IS NOT NULL AND paused_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.schedule_id = s.id AND r.state = 'running')
    LIMIT 100`);
  for (const s of buffered) {
    await tx.run(sql`UPDATE schedules SET buffered_at = NULL WHERE id = ${s.id}`);
    await fireAt(tx, { ...s, buffered_at: null }, s.buffered_at!, prepare, families, now, round);
  }
  return round;
}

/**
 * Fires one nominal time of `s` (`trigger now` too), as its overlap policy
 * says when a run of it is still going.
 */
export async function fireAt(
  tx: Tx,
  s: ScheduleRow,
  nominalAt: number,
  prepare: PrepareRun,
  families: FamilyLookup,
  now: number,
  round: FireRound,
  going?: Array<{ id: string; root: string }>,
): Promise<void> {
  const base = { scheduleId: s.id, name: s.name, nominalAt };
  const running = going ?? await runningRuns(tx, s.id);
  if (running.length > 0 && s.overlap !== "allow") {
    if (s.overlap === "skip") {
      round.outcomes.push({ ...base, outcome: "skipped", reason: "overlap" });
      return;
    }
    if (s.overlap === "buffer") {
      // One waits; a newer one replaces it.
      if (s.buffered_at !== null && s.buffered_at !== nominalAt) {
        round.outcomes.push({
          ...base,
          nominalAt: s.buffered_at,
          outcome: "skipped",
          reason: "overlap",
        });
      }
      await tx.run(sql`UPDATE schedules SET buffered_at = ${nominalAt} WHERE id = ${s.id}`);
      s.buffered_at = nominalAt;
      return;
    }
    for (const r of running) {
      const reason = `superseded: schedule ${s.name} fired for ${
        new Date(nominalAt).toISOString()
      }`;
      round.revoked.push(...(await cancelRunTasks(tx, r.root, reason, now)).revoked);
    }
  }
  const run = prepare(s, nominalAt);
  if ("error" in run) {
    round.outcomes.push({ ...base, outcome: "skipped", reason: "invalid", error: run.error });
    return;
  }
  const runId = newId("run");
  await submitRun(tx, {
    runId,
    taskId: run.taskId,
    family: s.family,
    version: run.version,
    params: run.params,
    families,
    priority: s.priority,
    schedule: { id: s.id, nominalAt },
    submittedBy: `schedule:${s.name}`,
    now,
  });
  round.outcomes.push({ ...base, outcome: "fired", runId });
}

/** The schedule's runs still going. */
function runningRuns(tx: Tx, scheduleId: string): Promise<Array<{ id: string; root: string }>> {
  return tx.all<{ id: string; root: string }>(sql`
    SELECT id, root_task_id AS root FROM runs WHERE schedule_id = ${scheduleId} AND state = 'running'`);
}

function catchUpOf(s: ScheduleRow): CatchUp {
  return JSON.parse(s.catch_up) as CatchUp;
}
