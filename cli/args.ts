/**
 * Parses `drover`'s command line into a typed invocation. A small hand
 * parser over the grammar in `command_specs.ts`: `--name value`,
 * `--name=value`, `-p value`, `--` to end options; global options may come
 * before or after the command.
 */
import {
  COMMANDS,
  findCommand,
  GLOBAL_OPTIONS,
  OPTIONS,
  type OptionSpec,
  usageLine,
} from "./command_specs.ts";
import { UsageError } from "./errors.ts";

/** The task states a `--state` filter accepts. */
export { TASK_STATES, type TaskState } from "../shared/task_states.ts";
import { TASK_STATES, type TaskState } from "../shared/task_states.ts";

/** What to do, with its arguments. */
export type Command =
  | { name: "help"; topic: string | null }
  | { name: "submit"; family: string; params: string[]; priority: number | null; wait: boolean }
  | {
    name: "backfill";
    family: string;
    from: string;
    to: string;
    /** `--param-name`: the parameter that takes each day. */
    paramName: string | null;
    params: string[];
    maxConcurrent: number | null;
    priority: number | null;
    wait: boolean;
  }
  | { name: "status"; runId: string }
  | { name: "runs"; limit: number | null }
  | {
    name: "tasks";
    run: string | null;
    state: TaskState | null;
    family: string | null;
    limit: number | null;
  }
  | { name: "task"; taskId: string }
  | { name: "workers" }
  | { name: "cordon" | "uncordon" | "drain"; worker: string }
  | {
    name: "token";
    action: "create" | "list" | "revoke";
    id: string | null;
    role: string | null;
    scope: string | null;
    tokenName: string | null;
  }
  | { name: "families" };

/** A parsed command line. */
export interface Invocation {
  command: Command;
  json: boolean;
  /** `--url`, when given. */
  url: string | null;
  /** `--token`, when given. */
  token: string | null;
}

interface GivenOption {
  spec: OptionSpec;
  /** How the user spelled it (`--param`, `-p`). */
  spelled: string;
  value: string | null;
}

/** Parses `argv` (without the program name); throws {@link UsageError} on a bad command line. */
export function parseArgs(argv: readonly string[]): Invocation {
  const { positionals, options } = tokenize(argv);
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
    const allowed = (GLOBAL_OPTIONS as readonly string[]).includes(option.spec.name) ||
      spec.options.includes(option.spec.name);
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
    throw new UsageError(`Missing --${missing} for "${name}"; usage: ${usageLine(spec)}`);
  }

  const arg = args[0] ?? "";
  switch (name) {
    case "submit":
      return invocation({
        name,
        family: arg,
        params: values.get("param") ?? [],
        priority: parseInteger("--priority", first(values, "priority"), -1_000_000, 1_000_000),
        wait: values.has("wait"),
      });
    case "backfill": {
      const from = parseDate("--from", first(values, "from")!);
      const to = parseDate("--to", first(values, "to")!);
      if (from > to) {
        throw new UsageError(`Option "--from" (${from}) is after "--to" (${to}); swap them`);
      }
      return invocation({
        name,
        family: arg,
        from,
        to,
        paramName: first(values, "param-name"),
        params: values.get("param") ?? [],
        maxConcurrent: parseInteger("--max-concurrent", first(values, "max-concurrent"), 1),
        priority: parseInteger("--priority", first(values, "priority"), -1_000_000, 1_000_000),
        wait: values.has("wait"),
      });
    }
    case "status":
      return invocation({ name, runId: arg });
    case "task":
      return invocation({ name, taskId: arg });
    case "runs":
      return invocation({ name, limit: parseLimit(first(values, "limit")) });
    case "tasks":
      return invocation({
        name,
        run: first(values, "run"),
        state: parseState(first(values, "state")),
        family: first(values, "family"),
        limit: parseLimit(first(values, "limit")),
      });
    case "workers":
    case "families":
      return invocation({ name });
    case "cordon":
    case "uncordon":
    case "drain":
      return invocation({ name, worker: arg });
    case "token": {
      if (arg !== "create" && arg !== "list" && arg !== "revoke") {
        throw new UsageError(`Unknown token action "${arg}"; use create, list or revoke`);
      }
      const id = args[1] ?? null;
      if (arg === "revoke" && id === null) {
        throw new UsageError('Missing TOKEN_ID for "token revoke"');
      }
      if (arg !== "revoke" && id !== null) throw unexpected(id, name);
      return invocation({
        name,
        action: arg,
        id,
        role: first(values, "role"),
        scope: first(values, "scope"),
        tokenName: first(values, "name"),
      });
    }
    default:
      throw new Error(`Command "${name}" is in the grammar but has no parser`);
  }
}

function tokenize(argv: readonly string[]): { positionals: string[]; options: GivenOption[] } {
  const positionals: string[] = [];
  const options: GivenOption[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let spelled: string;
    let inline: string | null = null;
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      spelled = eq < 0 ? token : token.slice(0, eq);
      inline = eq < 0 ? null : token.slice(eq + 1);
      const name = spelled.slice(2);
      spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    } else if (token.startsWith("-") && token.length > 1) {
      spelled = token;
      spec = Object.values(OPTIONS).find((o) => o.short !== undefined && `-${o.short}` === token);
    } else {
      positionals.push(token);
      continue;
    }
    if (!spec) throw new UsageError(`Unknown option "${spelled}"; see "drover help"`);
    if (spec.kind === "flag") {
      if (inline !== null) {
        throw new UsageError(`Option "${spelled}" takes no value (got "${token}")`);
      }
      options.push({ spec, spelled, value: null });
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") {
      throw new UsageError(`Option "${spelled}" needs a value: ${spelled} ${spec.placeholder}`);
    }
    options.push({ spec, spelled, value });
  }
  return { positionals, options };
}

/** Values by option name; a single-valued option given twice is refused. */
function collectValues(options: readonly GivenOption[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const { spec, spelled, value } of options) {
    const seen = values.get(spec.name);
    if (seen && spec.kind === "value") {
      throw new UsageError(`Option "${spelled}" is given twice ("${seen[0]}", "${value}")`);
    }
    if (seen && value !== null) seen.push(value);
    if (!seen) values.set(spec.name, value === null ? [] : [value]);
  }
  return values;
}

function first(values: Map<string, string[]>, name: string): string | null {
  return values.get(name)?.[0] ?? null;
}

function parseLimit(text: string | null): number | null {
  if (text === null) return null;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`Option "--limit" needs a positive integer, got "${text}"`);
  }
  return n;
}

/** An integer option within [min, max], or null when not given. */
function parseInteger(
  option: string,
  text: string | null,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | null {
  if (text === null) return null;
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`Option "${option}" needs an integer ${range}, got "${text}"`);
  }
  return n;
}

/** A real day written YYYY-MM-DD. */
function parseDate(option: string, text: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`Option "${option}" needs a day as YYYY-MM-DD, got "${text}"`);
  }
  return text;
}

function parseState(text: string | null): TaskState | null {
  if (text === null) return null;
  const state = TASK_STATES.find((s) => s === text);
  if (!state) {
    throw new UsageError(
      `Option "--state" got "${text}"; use one of: ${TASK_STATES.join(", ")}`,
    );
  }
  return state;
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
