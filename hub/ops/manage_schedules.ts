/**
 * Creating, pausing, resuming and deleting schedules. Firing is
 * `fire_schedules.ts`; the validation before these is the commands'.
 */
import { sql } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { nextLook, type ScheduleRow } from "./fire_schedules.ts";

/** Inserts `s` unless its name is taken; returns whether it was. */
export async function insertSchedule(tx: Tx, s: ScheduleRow): Promise<boolean> {
  const rows = await tx.all<{ id: string }>(sql`
    INSERT INTO schedules (id, name, family, version, params, time_params, cron, interval_ms,
      zone, start_at, end_at, catch_up, overlap, jitter_ms, priority, paused_at, pause_reason,
      last_nominal_at, next_at, buffered_at, created_by, created_at, updated_at)
    VALUES (${s.id}, ${s.name}, ${s.family}, ${s.version}, ${s.params}, ${s.time_params},
      ${s.cron}, ${s.interval_ms}, ${s.zone}, ${s.start_at}, ${s.end_at}, ${s.catch_up},
      ${s.overlap}, ${s.jitter_ms}, ${s.priority}, NULL, NULL, ${s.last_nominal_at},
      ${nextLook(s, s.last_nominal_at)}, NULL, ${s.created_by}, ${s.created_at}, ${s.updated_at})
    ON CONFLICT (name) DO NOTHING RETURNING id`);
  return rows.length > 0;
}

/** The schedule named `name`. */
export async function scheduleByName(db: Reader, name: string): Promise<ScheduleRow | undefined> {
  const [row] = await db.all<ScheduleRow>(sql`SELECT * FROM schedules WHERE name = ${name}`);
  return row;
}

/** Every schedule, by name. */
export async function listSchedules(db: Reader): Promise<ScheduleRow[]> {
  return await db.all<ScheduleRow>(sql`SELECT * FROM schedules ORDER BY name`);
}

/** Pauses it (a pause already there keeps its time; the reason is replaced). */
export async function pauseSchedule(
  tx: Tx,
  name: string,
  reason: string | null,
  now: number,
): Promise<ScheduleRow | undefined> {
  await tx.run(sql`
    UPDATE schedules SET paused_at = coalesce(paused_at, ${now}), pause_reason = ${reason},
      updated_at = ${now}
    WHERE name = ${name}`);
  return await scheduleByName(tx, name);
}

/**
 * Resumes it. The nominal times that passed while it was paused do not fire:
 * it goes on from now (its buffered time, if any, is dropped too).
 */
export async function resumeSchedule(
  tx: Tx,
  name: string,
  now: number,
): Promise<ScheduleRow | undefined> {
  const s = await scheduleByName(tx, name);
  if (!s || s.paused_at === null) return s;
  const through = Math.max(s.last_nominal_at, now);
  await tx.run(sql`
    UPDATE schedules SET paused_at = NULL, pause_reason = NULL, buffered_at = NULL,
      last_nominal_at = ${through}, next_at = ${nextLook(s, through)}, updated_at = ${now}
    WHERE id = ${s.id}`);
  return await scheduleByName(tx, name);
}

/** Deletes it; its runs stay (they keep its id). Returns whether it existed. */
export async function deleteSchedule(tx: Tx, name: string): Promise<boolean> {
  return (await tx.run(sql`DELETE FROM schedules WHERE name = ${name}`)).rowsAffected > 0;
}

/** The families of the schedules that may have something to fire at `now` (a time due, or a buffered one). */
export async function familiesDue(db: Reader, now: number): Promise<string[]> {
  const rows = await db.all<{ family: string }>(sql`
    SELECT DISTINCT family FROM schedules
    WHERE paused_at IS NULL AND (next_at <= ${now} OR buffered_at IS NOT NULL) LIMIT 100`);
  return rows.map((r) => r.family);
}
