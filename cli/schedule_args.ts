/** `drover schedule …`'s arguments and options (see `args.ts`). */
import { OVERLAP_POLICIES, TIME_PARAM_FORMATS } from "../shared/api_schemas_schedules.ts";
import { parseDuration } from "../shared/duration.ts";
import type { Command, ScheduleDraft } from "./command.ts";
import { findCommand } from "./command_specs.ts";
import { UsageError } from "./errors.ts";
import { parseChoice, parseInteger } from "./option_values.ts";

const ACTIONS = ["create", "list", "show", "pause", "resume", "trigger", "delete"] as const;
/** The options only `schedule create` takes: all of the grammar's but `--reason`. */
const CREATE_ONLY = findCommand("schedule")!.options.filter((o) => o !== "reason");

/** Parses `schedule ACTION [NAME [FAMILY]]` and its options. */
export function scheduleCommand(args: string[], values: Map<string, string[]>): Command {
  const [action, name = null, family = null, ...rest] = args;
  const act = parseChoice("Schedule action", action ?? null, ACTIONS);
  if (act === null) {
    throw new UsageError(`Missing the schedule action; use ${ACTIONS.join(", ")}`);
  }
  const wants = act === "list" ? 0 : act === "create" ? 2 : 1;
  const given = [name, family, ...rest].filter((a) => a !== null).length;
  if (given < wants) {
    throw new UsageError(
      `Missing ${given === 0 ? "NAME" : "FAMILY"} for "schedule ${act}"; usage: drover schedule ` +
        (act === "create" ? "create NAME FAMILY --cron EXPR" : `${act} NAME`),
    );
  }
  if (given > wants) {
    throw new UsageError(
      `Unexpected argument "${[name, family, ...rest][wants]}" for "schedule ${act}"`,
    );
  }
  const stray = act === "create" ? undefined : CREATE_ONLY.find((o) => values.has(o));
  if (stray) throw new UsageError(`Option "--${stray}" applies to "schedule create" only`);
  if (values.has("reason") && act !== "pause") {
    throw new UsageError('Option "--reason" applies to "schedule pause" only');
  }
  return {
    name: "schedule",
    action: act,
    scheduleName: name,
    draft: act === "create" ? draft(family!, values) : null,
    reason: values.get("reason")?.[0] ?? null,
  };
}

function draft(family: string, values: Map<string, string[]>): ScheduleDraft {
  const one = (option: string) => values.get(option)?.[0] ?? null;
  const cron = one("cron");
  const every = one("every");
  if ((cron === null) === (every === null)) {
    throw new UsageError('Give one of "--cron EXPR" or "--every DURATION"');
  }
  const timeParams: ScheduleDraft["timeParams"] = {};
  for (const text of values.get("time-param") ?? []) {
    const eq = text.indexOf("=");
    const format = TIME_PARAM_FORMATS.find((f) => f === text.slice(eq + 1));
    if (eq < 1 || format === undefined) {
      throw new UsageError(
        `Option "--time-param" takes NAME=date, NAME=datetime or NAME=epoch_ms, not "${text}"`,
      );
    }
    timeParams[text.slice(0, eq)] = format;
  }
  return {
    family,
    params: values.get("param") ?? [],
    timeParams,
    cron,
    intervalMs: every === null ? null : duration("--every", every),
    zone: one("zone"),
    catchUp: catchUp(one("catch-up")),
    overlap: parseChoice('Option "--overlap"', one("overlap"), OVERLAP_POLICIES),
    jitterMs: one("jitter") === null ? null : duration("--jitter", one("jitter")!),
    startAt: time("--start", one("start")),
    endAt: time("--end", one("end")),
    priority: parseInteger("--priority", one("priority"), -1_000_000, 1_000_000),
  };
}

/** `none`, `latest`, or `all:WINDOW:MAX`. */
function catchUp(text: string | null): ScheduleDraft["catchUp"] {
  if (text === null) return null;
  if (text === "none" || text === "latest") return { mode: text };
  const [mode, window, max] = text.split(":");
  const windowMs = window === undefined ? null : parseDuration(window);
  const n = max === undefined ? NaN : Number(max);
  if (mode !== "all" || windowMs === null || !Number.isInteger(n) || n < 1 || n > 1_000) {
    throw new UsageError(
      `Option "--catch-up" takes none, latest or all:WINDOW:MAX (e.g. all:3d:5), not "${text}"`,
    );
  }
  return { mode: "all", windowMs, max: n };
}

function duration(option: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null) {
    throw new UsageError(
      `Option "${option}" takes a duration such as 30s, 15m, 6h or 1d, not "${text}"`,
    );
  }
  return ms;
}

function time(option: string, text: string | null): string | null {
  if (text === null) return null;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  ) {
    throw new UsageError(
      `Option "${option}" takes a time such as 2027-01-01T00:00:00Z, not "${text}"`,
    );
  }
  return text;
}
