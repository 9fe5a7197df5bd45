/** `drover schedule create|list|show|pause|resume|trigger|delete`. */
import type { Schedule } from "../../shared/api_schemas_schedules.ts";
import { formatDuration } from "../../shared/duration.ts";
import { formatFields, formatTable } from "../../shared/text_table.ts";
import type { Command } from "../command.ts";
import { coerceParams } from "../coerce_params.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { fetchFamily } from "../fetch_family.ts";
import { formatTimestamp } from "../format_time.ts";

/** Runs one schedule action. */
export async function scheduleCommand(
  command: Extract<Command, { name: "schedule" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const api = ctx.client.schedules;
  const name = command.scheduleName!;
  const say = (schedule: Schedule, line: string) => {
    if (ctx.json) printJson(ctx, schedule);
    else ctx.io.out(line);
  };
  switch (command.action) {
    case "list": {
      const schedules = await api.list();
      if (ctx.json) printJson(ctx, { schedules });
      else ctx.io.out(formatSchedules(schedules));
      return EXIT.ok;
    }
    case "show": {
      const schedule = await api.get(name);
      say(schedule, formatSchedule(schedule));
      return EXIT.ok;
    }
    case "create": {
      const d = command.draft!;
      const family = await fetchFamily(ctx.client, d.family);
      const params = coerceParams(
        family.name,
        family.paramsSchema,
        d.params,
        Object.keys(d.timeParams),
      );
      const optional = {
        cron: d.cron,
        intervalMs: d.intervalMs,
        zone: d.zone,
        catchUp: d.catchUp,
        overlap: d.overlap,
        jitterMs: d.jitterMs,
        startAt: d.startAt,
        endAt: d.endAt,
        priority: d.priority,
      };
      const schedule = await api.create({
        name,
        family: family.name,
        params,
        timeParams: d.timeParams,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)),
      });
      say(schedule, `Created schedule ${name}: ${when(schedule)}; next ${next(schedule)}`);
      return EXIT.ok;
    }
    case "pause": {
      const schedule = await api.pause(name, command.reason);
      say(
        schedule,
        `Paused schedule ${name}: nothing fires until "drover schedule resume ${name}"`,
      );
      return EXIT.ok;
    }
    case "resume": {
      const schedule = await api.resume(name);
      say(schedule, `Resumed schedule ${name}: next ${next(schedule)}`);
      return EXIT.ok;
    }
    case "trigger": {
      const fired = await api.trigger(name);
      if (ctx.json) printJson(ctx, fired);
      else if (fired.outcome === "fired") {
        ctx.io.out(`Fired schedule ${name} now: run ${fired.runId}`);
        ctx.io.out(`Follow it with: drover status ${fired.runId}`);
      } else ctx.io.out(`Schedule ${name} did not fire: ${fired.reason ?? "skipped"}`);
      return EXIT.ok;
    }
    case "delete": {
      await api.delete(name);
      if (ctx.json) printJson(ctx, { name, deleted: true });
      else ctx.io.out(`Deleted schedule ${name}; its runs stay`);
      return EXIT.ok;
    }
  }
}

/** The schedules as a table, or a line saying there are none. */
export function formatSchedules(schedules: readonly Schedule[]): string {
  if (schedules.length === 0) {
    return "No schedules. Create one with: drover schedule create NAME FAMILY --cron EXPR";
  }
  return formatTable(
    ["NAME", "FAMILY", "WHEN", "NEXT", "STATE", "CATCH-UP", "OVERLAP"],
    schedules.map((s) => [
      s.name,
      s.family + (s.version === null ? "" : `@${s.version}`),
      when(s),
      s.paused ? "-" : next(s),
      s.paused ? "paused" : "active",
      catchUp(s),
      s.overlap,
    ]),
  );
}

/** One schedule, a fact a line. */
export function formatSchedule(s: Schedule): string {
  const rows: Array<[string, string]> = [
    ["Schedule", `${s.name} (${s.id})`],
    ["Family", s.family + (s.version === null ? " (newest version)" : ` version ${s.version}`)],
    ["When", when(s)],
    ["Parameters", JSON.stringify(s.params)],
    ["From the time", JSON.stringify(s.timeParams)],
    ["Catch-up", catchUp(s)],
    ["Overlap", s.overlap],
    [
      "State",
      s.paused
        ? `paused since ${formatTimestamp(s.paused.at)}: ${s.paused.reason ?? "-"}`
        : "active",
    ],
    ["Next", s.nextTimes.map((t) => formatTimestamp(t)).join(", ") || "none (ended)"],
    ["Fired through", formatTimestamp(s.lastNominalAt)],
  ];
  if (s.bufferedAt !== null) rows.push(["Waiting", formatTimestamp(s.bufferedAt)]);
  return formatFields(rows);
}

function when(s: Schedule): string {
  const bounds = [
    s.startAt === null ? "" : ` from ${formatTimestamp(s.startAt)}`,
    s.endAt === null ? "" : ` until ${formatTimestamp(s.endAt)}`,
  ].join("");
  const jitter = s.jitterMs > 0 ? `, jitter ${formatDuration(s.jitterMs)}` : "";
  return (s.cron !== null
    ? `cron "${s.cron}" ${s.zone}`
    : `every ${formatDuration(s.intervalMs!)}`) +
    bounds + jitter;
}

function next(s: Schedule): string {
  return s.nextTimes[0] === undefined ? "none (ended)" : formatTimestamp(s.nextTimes[0]);
}

function catchUp(s: Schedule): string {
  const c = s.catchUp as { mode: string; windowMs?: number; max?: number };
  return c.mode === "all" ? `all ${formatDuration(c.windowMs!)}, ${c.max} at most` : c.mode;
}
