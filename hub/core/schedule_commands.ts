/**
 * Schedules through the API: create (validated against the family's
 * parameters for its first nominal time), list, pause, resume, trigger now,
 * delete; and the tick that fires what is due (`ops/fire_schedules.ts`).
 */
import type { CreateSchedule, Schedule } from "../../shared/api_schemas_schedules.ts";
import { newId } from "../db/new_id.ts";
import {
  fireAt,
  type FireOutcome,
  fireSchedules,
  type PrepareRun,
  type ScheduleRow,
  timingOf,
} from "../ops/fire_schedules.ts";
import {
  deleteSchedule,
  familiesDue,
  insertSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  scheduleByName,
} from "../ops/manage_schedules.ts";
import { nextTimes, nominalParts, timingProblem } from "../ops/schedule_times.ts";
import type { CommandDeps } from "./run_commands.ts";
import { findFamily } from "./find_family.ts";
import { RequestError } from "./request_error.ts";

/** Schedules: the API's commands and the firing tick. */
export class ScheduleCommands {
  readonly #d: CommandDeps;

  constructor(deps: CommandDeps) {
    this.#d = deps;
  }

  /** Creates a schedule; 400 for a bad timing or parameters, 409 for a name taken. */
  async create(r: CreateSchedule & { createdBy: string | null }): Promise<Schedule> {
    const now = this.#d.now();
    const row: ScheduleRow = {
      id: newId("sch"),
      name: r.name,
      family: r.family,
      version: r.version ?? null,
      params: JSON.stringify(r.params),
      time_params: JSON.stringify(r.timeParams),
      cron: r.cron ?? null,
      interval_ms: r.intervalMs ?? null,
      zone: r.zone,
      start_at: r.startAt === undefined ? null : Date.parse(r.startAt),
      end_at: r.endAt === undefined ? null : Date.parse(r.endAt),
      catch_up: JSON.stringify(r.catchUp),
      overlap: r.overlap,
      jitter_ms: r.jitterMs,
      priority: r.priority,
      paused_at: null,
      pause_reason: null,
      last_nominal_at: now,
      next_at: null,
      buffered_at: null,
      created_by: r.createdBy,
      created_at: now,
      updated_at: now,
    };
    const problem = timingProblem(timingOf(row));
    if (problem) {
      const field = /zone/.test(problem)
        ? "zone"
        : /interval/.test(problem)
        ? "intervalMs"
        : /endAt/.test(problem)
        ? "endAt"
        : "cron";
      throw new RequestError(400, "invalid_schedule", problem, { field });
    }
    const { registry, queue } = this.#d;
    await findFamily(registry, () => registry.reload(queue), r.family, r.version);
    const [first] = nextTimes(timingOf(row), now, 1);
    const run = this.prepare(row, first ?? now);
    if ("error" in run) {
      throw new RequestError(400, "invalid_params", run.error, { field: "params" });
    }
    if (!await queue.write((tx) => insertSchedule(tx, row))) {
      throw new RequestError(
        409,
        "schedule_exists",
        `A schedule named "${r.name}" exists already`,
        {
          field: "name",
        },
      );
    }
    this.#d.log.info("schedule created", { name: r.name, family: r.family, cron: row.cron });
    return this.view(await this.#get(r.name));
  }

  /** Every schedule, by name. */
  async list(): Promise<Schedule[]> {
    const rows = await this.#d.queue.read(listSchedules);
    return rows.map((r) => this.view(r));
  }

  /** One schedule; 404 when there is none. */
  async get(name: string): Promise<Schedule> {
    return this.view(await this.#get(name));
  }

  /** Pauses it: no time fires until it is resumed. */
  async pause(name: string, reason: string | null): Promise<Schedule> {
    const row = await this.#d.queue.write((tx) => pauseSchedule(tx, name, reason, this.#d.now()));
    if (!row) throw notFound(name);
    this.#d.log.info("schedule paused", { name, reason });
    return this.view(row);
  }

  /** Resumes it from now: the times passed while paused do not fire. */
  async resume(name: string): Promise<Schedule> {
    const row = await this.#d.queue.write((tx) => resumeSchedule(tx, name, this.#d.now()));
    if (!row) throw notFound(name);
    this.#d.log.info("schedule resumed", { name });
    return this.view(row);
  }

  /** Deletes it; its runs stay. */
  async delete(name: string): Promise<void> {
    if (!await this.#d.queue.write((tx) => deleteSchedule(tx, name))) throw notFound(name);
    this.#d.log.info("schedule deleted", { name });
  }

  /** Fires it now (nominal time: now), paused or not, under its overlap policy. */
  async trigger(name: string): Promise<FireOutcome> {
    const now = this.#d.now();
    const round = await this.#d.queue.write(async (tx) => {
      const s = await scheduleByName(tx, name);
      if (!s) throw notFound(name);
      const round = { outcomes: [] as FireOutcome[], revoked: [] as never[] };
      await fireAt(tx, s, now, this.prepare, this.#d.registry.defaults, now, round);
      return round;
    });
    this.#after(round, now);
    return round.outcomes.at(-1)!;
  }

  /** Fires what is due (every hub, every dispatch tick); returns how many runs it made. */
  async fireDue(): Promise<number> {
    const now = this.#d.now();
    // A read first: most ticks have nothing to fire, and need no write.
    const families = await this.#d.queue.read((db) => familiesDue(db, now));
    if (families.length === 0) return 0;
    // A family another hub's worker registered since this hub loaded the registry
    // (looked for again at most every 10 s: a family no worker has is skipped as invalid).
    const { registry, queue } = this.#d;
    if (families.some((f) => !registry.latest(f))) await registry.reloadForMiss(queue, now);
    const round = await this.#d.queue.write((tx) =>
      fireSchedules(tx, this.prepare, this.#d.registry.defaults, now)
    );
    return this.#after(round, now);
  }

  /** The run of `s` for a nominal time: parameters from the fixed ones and the time. */
  readonly prepare: PrepareRun = (s, nominalAt) => {
    const { registry } = this.#d;
    const family = s.version === null
      ? registry.latest(s.family)
      : registry.get(s.family, s.version);
    if (!family) {
      return {
        error: `Task family "${s.family}"${
          s.version ? ` version ${s.version}` : ""
        } is not registered`,
      };
    }
    const params: Record<string, unknown> = JSON.parse(s.params);
    const parts = nominalParts(nominalAt, s.zone);
    for (
      const [name, format] of Object.entries(JSON.parse(s.time_params) as Record<string, string>)
    ) {
      params[name] = format === "date"
        ? parts.date
        : format === "datetime"
        ? parts.datetime
        : nominalAt;
    }
    try {
      const parsed = registry.parseSubmission(family, params);
      return { version: family.version, params: parsed.params, taskId: parsed.id };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  /** A stored schedule as the API shows it. */
  view(s: ScheduleRow): Schedule {
    return {
      id: s.id,
      name: s.name,
      family: s.family,
      version: s.version,
      params: JSON.parse(s.params),
      timeParams: JSON.parse(s.time_params),
      cron: s.cron,
      intervalMs: s.interval_ms,
      zone: s.zone,
      startAt: s.start_at,
      endAt: s.end_at,
      catchUp: JSON.parse(s.catch_up),
      overlap: s.overlap,
      jitterMs: s.jitter_ms,
      priority: s.priority,
      paused: s.paused_at === null ? null : { at: s.paused_at, reason: s.pause_reason },
      lastNominalAt: s.last_nominal_at,
      nextTimes: nextTimes(timingOf(s), Math.max(s.last_nominal_at, this.#d.now()), 3),
      bufferedAt: s.buffered_at,
      createdBy: s.created_by,
      createdAt: s.created_at,
    };
  }

  #after(round: Awaited<ReturnType<typeof fireSchedules>>, now: number): number {
    const { links, dispatcher, log } = this.#d;
    if (round.revoked.length > 0) {
      links.revoke(round.revoked, "superseded by a newer run of its schedule");
    }
    let fired = 0;
    for (const o of round.outcomes) {
      if (o.outcome === "fired") {
        fired++;
        this.#d.metrics.scheduleFired(o.name, now - o.nominalAt);
      } else this.#d.metrics.scheduleSkipped(o.name, o.reason ?? "other", o.count ?? 1);
      const at = new Date(o.nominalAt).toISOString();
      if (o.outcome === "fired") {
        log.info("schedule fired", { name: o.name, nominalAt: at, runId: o.runId });
      } else {log.warn("schedule skipped", {
          name: o.name,
          nominalAt: at,
          reason: o.reason,
          count: o.count,
          error: o.error,
        });}
    }
    if (fired > 0 || round.revoked.length > 0) dispatcher.kick(true);
    return fired;
  }

  async #get(name: string): Promise<ScheduleRow> {
    const row = await this.#d.queue.read((db) => scheduleByName(db, name));
    if (!row) throw notFound(name);
    return row;
  }
}

function notFound(name: string): RequestError {
  return new RequestError(404, "schedule_not_found", `No schedule is named "${name}"`);
}
