/**
 * Parses `drover`'s command line into a typed invocation, over the grammar
 * in `command_specs.ts`; global options may come before or after the
 * command. Every mistake is a {@link UsageError} naming the bad value.
 */
import { PAUSE_KINDS } from "../shared/api_schemas_admin.ts";
import { RUN_STATES, TASK_STATES } from "../shared/states.ts";
import type { Command, Invocation, Target } from "./command.ts";
import { COMMANDS, findCommand, GLOBAL_OPTIONS, OPTIONS, usageLine } from "./command_specs.ts";
import { UsageError } from "./errors.ts";
import { parseChoice, parseDate, parseInteger, parseLimit, parsePins } from "./option_values.ts";
import { collectValues, tokenizeArgs } from "./tokenize_args.ts";
import { scheduleCommand } from "./schedule_args.ts";
import { hookCommand } from "./hook_args.ts";
import { tokenCommand } from "./token_args.ts";
import { triggerCommand } from "./trigger_args.ts";

export type { Command, Invocation } from "./command.ts";

/** Parses `argv` (without the program name); throws {@link UsageError} on a bad command line. */
export function parseArgs(argv: readonly string[]): Invocation {
  const { positionals, options } = tokenizeArgs(argv);
  const values = collectValues(options);
  const invocation = (command: Command): Invocation => ({
    command,
    json: values.has("json"),
    url: first(values, "url"),
    token: first(values, "token"),
  });

  const [name, ...args] = positionals;
  if (name === undefined) return invocation({ name: "help", topic: null });
  const spec = findCommand(name);
  if (!spec) throw unknownCommand(name);
  if (values.has("help") && name !== "help") return invocation({ name: "help", topic: name });

  for (const option of options) {
    if (spec.launches && option.key !== "help") {
      throw new UsageError(
        `Option "${option.spelled}" does not apply to "${name}": it runs a ${name} here, ` +
          "configured by DROVER_* variables (see the README's Configuration)",
      );
    }
    const allowed = (GLOBAL_OPTIONS as readonly string[]).includes(option.key) ||
      spec.options.includes(option.key);
    if (!allowed) {
      throw new UsageError(
        `Option "${option.spelled}" does not apply to "${name}"; usage: ${usageLine(spec)}`,
      );
    }
  }
  if (name === "help") {
    if (args.length > 1) throw unexpected(args[1]!, spec.name);
    const topic = args[0] ?? null;
    if (topic !== null && !findCommand(topic)) throw unknownCommand(topic);
    return invocation({ name: "help", topic });
  }
  if (args.length < spec.args.length) {
    throw new UsageError(
      `Missing ${spec.args[args.length]} for "${name}"; usage: ${usageLine(spec)}`,
    );
  }
  const most = spec.args.length + (spec.optionalArgs?.length ?? 0);
  if (args.length > most) throw unexpected(args[most]!, name);
  const missing = spec.required?.find((option) => !values.has(option));
  if (missing) {
    const option = OPTIONS[missing]!.name;
    throw new UsageError(`Missing --${option} for "${name}"; usage: ${usageLine(spec)}`);
  }
  return invocation(buildCommand(name, args, values));
}

/** The command `name` from its checked positionals and option values. */
function buildCommand(name: string, args: string[], values: Map<string, string[]>): Command {
  const arg = args[0] ?? "";
  const opt = (option: string) => first(values, option);
  const priority = () => parseInteger("--priority", opt("priority"), -1_000_000, 1_000_000);
  switch (name) {
    case "submit":
      return {
        name,
        family: arg,
        params: values.get("param") ?? [],
        priority: priority(),
        pin: parsePins(values.get("pin") ?? []),
        wait: values.has("wait"),
      };
    case "backfill": {
      const from = parseDate("--from", opt("from")!);
      const to = parseDate("--to", opt("to")!);
      if (from > to) {
        throw new UsageError(`Option "--from" (${from}) is after "--to" (${to}); swap them`);
      }
      return {
        name,
        family: arg,
        from,
        to,
        paramName: opt("param-name"),
        params: values.get("param") ?? [],
        maxConcurrent: parseInteger("--max-concurrent", opt("max-concurrent"), 1),
        priority: priority(),
        wait: values.has("wait"),
      };
    }
    case "status":
      return { name, runId: arg };
    case "task":
      return { name, taskId: arg };
    case "logs":
      return {
        name,
        taskId: arg,
        attempt: parseInteger("--attempt", opt("attempt"), 0, 1_000_000),
        follow: values.has("follow"),
      };
    case "runs":
      return {
        name,
        state: parseChoice('Option "--state"', opt("state"), RUN_STATES),
        family: opt("family"),
        limit: parseLimit(opt("limit")),
        cursor: opt("cursor"),
      };
    case "retry": {
      const target = targetOf(name, values);
      if (target === "task" && values.has("wait")) {
        throw new UsageError('Option "--wait" follows a run, not a task (--task)');
      }
      return { name, id: arg, target, wait: values.has("wait") };
    }
    case "cancel":
      return { name, id: arg, target: targetOf(name, values), reason: opt("reason") };
    case "done":
      return { name, taskId: arg, reason: opt("reason")! };
    case "tasks":
      return {
        name,
        run: opt("run"),
        state: parseChoice('Option "--state"', opt("state"), TASK_STATES),
        family: opt("family"),
        limit: parseLimit(opt("limit")),
      };
    case "pause":
    case "resume": {
      const kind = PAUSE_KINDS.find((k) => k === arg);
      if (kind === undefined) {
        throw new UsageError(
          `Cannot ${name} "${arg}": use "${name} family NAME" or "${name} region NAME"`,
        );
      }
      const value = args[1]!;
      return name === "pause"
        ? { name, kind, value, reason: opt("reason") }
        : { name, kind, value };
    }
    case "hub":
    case "worker":
    case "pauses":
    case "workers":
    case "families":
      return { name };
    case "cordon":
    case "uncordon":
    case "drain":
      return { name, worker: arg };
    case "token":
      return tokenCommand(args, values);
    case "audit":
      return {
        name,
        action: opt("action"),
        actor: opt("actor"),
        target: opt("target"),
        limit: parseLimit(opt("limit")),
        cursor: opt("cursor"),
      };
    case "resources":
      return resourcesCommand(args);
    case "schedule":
      return scheduleCommand(args, values);
    case "hook":
      return hookCommand(args, values);
    case "trigger":
      return triggerCommand(args, values);
    case "db":
      return dbCommand(args, values);
    default:
      throw new Error(`Command "${name}" is in the grammar but has no parser`);
  }
}

function resourcesCommand(args: string[]): Command {
  if (args.length === 0) return { name: "resources", set: null };
  const [verb, resource, limit] = args;
  if (verb !== "set") {
    throw new UsageError(`Unknown resources action "${verb}"; use "resources set NAME LIMIT"`);
  }
  if (resource === undefined || limit === undefined) {
    throw new UsageError(
      `Missing ${resource === undefined ? "NAME" : "LIMIT"} for "resources set"; ` +
        "usage: drover resources set NAME LIMIT",
    );
  }
  return {
    name: "resources",
    set: { name: resource, limit: parseInteger("LIMIT", limit, 0, 1_000_000)! },
  };
}

function dbCommand(args: string[], values: Map<string, string[]>): Command {
  const [action, file] = args;
  const dryRun = values.has("dry-run");
  if (action === "prune") {
    if (file !== undefined) {
      throw new UsageError(`"db prune" takes no argument; got "${file}"`);
    }
    return { name: "db", action, dryRun };
  }
  if (action !== "backup") {
    throw new UsageError(
      `Unknown db action "${action}"; use "db backup FILE" or "db prune [--dry-run]"`,
    );
  }
  if (dryRun) throw new UsageError(`--dry-run goes with "db prune", not "db backup"`);
  if (!file || !file.startsWith("/")) {
    throw new UsageError(
      `FILE must be an absolute path on the hub's machine, e.g. /var/backups/drover.db; got "${
        file ?? ""
      }"`,
    );
  }
  return { name: "db", action, file };
}

/** What `--run` or `--task` says the id is; null when neither is given. */
function targetOf(command: "retry" | "cancel", values: Map<string, string[]>): Target | null {
  const run = values.has("is-run");
  const task = values.has("is-task");
  if (run && task) {
    throw new UsageError(
      `Options "--run" and "--task" exclude each other; usage: ${usageLine(findCommand(command)!)}`,
    );
  }
  return run ? "run" : task ? "task" : null;
}

function first(values: Map<string, string[]>, name: string): string | null {
  return values.get(name)?.[0] ?? null;
}

function unknownCommand(name: string): UsageError {
  return new UsageError(
    `Unknown command "${name}"; see "drover help" (commands: ${
      COMMANDS.map((c) => c.name).join(", ")
    })`,
  );
}

function unexpected(arg: string, command: string): UsageError {
  const spec = findCommand(command)!;
  return new UsageError(`Unexpected argument "${arg}" for "${command}"; usage: ${usageLine(spec)}`);
}
