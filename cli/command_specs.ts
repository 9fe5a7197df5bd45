/**
 * The grammar of `drover`: its commands, their arguments and options (see
 * `option_specs.ts`). The argument parser and the help text both read it.
 */
import { OPTIONS } from "./option_specs.ts";

export { GLOBAL_OPTIONS, type OptionKind, OPTIONS, type OptionSpec } from "./option_specs.ts";

/** One command. */
export interface CommandSpec {
  readonly name: string;
  /** Positional arguments, all required. */
  readonly args: readonly string[];
  /** Further positional arguments that may be left out. */
  readonly optionalArgs?: readonly string[];
  /** Options besides the global ones. */
  readonly options: readonly string[];
  /** Those of `options` that must be given. */
  readonly required?: readonly string[];
  /** The arguments as the usage line shows them, when `args` and `optionalArgs` do not say it. */
  readonly synopsis?: string;
  readonly summary: string;
  /**
   * Runs a Drover process here (`hub`, `worker`) instead of calling a hub:
   * configured by `DROVER_*` variables, so no global option but `--help` applies.
   */
  readonly launches?: boolean;
}

/** The commands, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "submit",
    args: ["FAMILY"],
    options: ["param", "priority", "pin", "wait"],
    summary: "Submit a run of a task family",
  },
  {
    name: "backfill",
    args: ["FAMILY"],
    options: ["from", "to", "param-name", "param", "max-concurrent", "priority", "wait"],
    required: ["from", "to"],
    summary: "Run a family once per day over a date range, skipping complete days",
  },
  {
    name: "schedule",
    args: ["create|list|show|pause|resume|trigger|delete"],
    optionalArgs: ["NAME", "FAMILY"],
    options: [
      "cron",
      "every",
      "zone",
      "param",
      "time-param",
      "catch-up",
      "overlap",
      "jitter",
      "start",
      "end",
      "priority",
      "reason",
    ],
    synopsis: "create NAME FAMILY (--cron EXPR | --every DURATION) [OPTIONS] | list | " +
      "show|pause|resume|trigger|delete NAME",
    summary: "Schedules: runs of a family at cron times in a zone, or every interval, " +
      "each time fired once",
  },
  {
    name: "hook",
    args: ["create|list|delete"],
    optionalArgs: ["NAME", "FAMILY"],
    options: ["param", "map", "key-header", "key-field", "secret", "priority"],
    synopsis: "create NAME FAMILY [--map PARAM=/POINTER]… | list | delete NAME",
    summary: "Webhooks: signed JSON deliveries that start runs of a family, once per event",
  },
  {
    name: "trigger",
    args: ["create|list|show|pause|resume|delete"],
    optionalArgs: ["NAME", "FAMILY"],
    options: [
      "jetstream",
      "server",
      "subject",
      "durable",
      "deliver",
      "ack-wait",
      "batch",
      "nats-auth",
      "param",
      "map",
      "key-field",
      "priority",
      "paused",
      "reason",
    ],
    synopsis: "create NAME FAMILY --jetstream STREAM --server HOST:PORT [--map PARAM=/POINTER]… " +
      "| list | show|pause|resume|delete NAME",
    summary: "Stream triggers: each message on a NATS JetStream stream starts a run, once",
  },
  {
    name: "status",
    args: ["RUN_ID"],
    options: [],
    summary: "Show a run: its state and execution summary",
  },
  {
    name: "runs",
    args: [],
    options: ["state", "family", "limit", "cursor"],
    summary: "List runs, newest first, a page at a time",
  },
  {
    name: "retry",
    args: ["ID"],
    options: ["is-run", "is-task", "wait"],
    summary: "Retry a run's failed tasks, or one failed or cancelled task",
  },
  {
    name: "cancel",
    args: ["ID"],
    options: ["is-run", "is-task", "reason"],
    summary: "Cancel a run's unfinished tasks, or one task",
  },
  {
    name: "done",
    args: ["TASK_ID"],
    options: ["reason"],
    required: ["reason"],
    summary: "Mark a task done without running it, so its dependents can go on",
  },
  {
    name: "tasks",
    args: [],
    options: ["run", "state", "family", "limit"],
    summary: "List tasks",
  },
  {
    name: "task",
    args: ["TASK_ID"],
    options: [],
    summary: "Show one task: dependencies, attempts, publication",
  },
  {
    name: "logs",
    args: ["TASK_ID"],
    options: ["attempt", "follow"],
    summary: "Print a task's log: the lines its attempts wrote, as workers shipped them",
  },
  {
    name: "pause",
    args: ["family|region", "NAME"],
    options: ["reason"],
    summary: "Lease no more tasks of a family, or to the workers of a region, until resumed",
  },
  {
    name: "resume",
    args: ["family|region", "NAME"],
    options: [],
    summary: "Lift a pause",
  },
  { name: "pauses", args: [], options: [], summary: "List the pauses in force" },
  { name: "workers", args: [], options: [], summary: "List the workers the hub has seen" },
  {
    name: "cordon",
    args: ["WORKER"],
    options: [],
    summary: "Stop giving a worker (name or id) new leases",
  },
  {
    name: "uncordon",
    args: ["WORKER"],
    options: [],
    summary: "Let a cordoned or draining worker take leases again",
  },
  {
    name: "drain",
    args: ["WORKER"],
    options: [],
    summary: "Cordon a worker, let its running tasks finish, then disconnect it for good",
  },
  {
    name: "token",
    args: ["create|list|revoke|generate"],
    optionalArgs: ["TOKEN_ID"],
    options: ["role", "scope", "name"],
    summary: "Create a token (shown once), list tokens, revoke one (closes its sessions), " +
      "or generate one offline to preset DROVER_ADMIN_TOKEN",
  },
  {
    name: "audit",
    args: [],
    options: ["action", "actor", "target", "limit", "cursor"],
    summary: "Show the audit log, newest first: who did what, and whether the hub let them",
  },
  {
    name: "resources",
    args: [],
    optionalArgs: ["set", "NAME", "LIMIT"],
    synopsis: "[set NAME LIMIT]",
    options: [],
    summary: "List global resources with their limits and use, or set one's limit",
  },
  {
    name: "db",
    args: ["ACTION"],
    optionalArgs: ["FILE"],
    synopsis: "backup FILE | prune [--dry-run]",
    options: ["dry-run"],
    summary: "Copy the hub's database to FILE (an absolute path on the hub's machine) while " +
      "it runs, or delete what is past its retention now (--dry-run: only count it)",
  },
  { name: "families", args: [], options: [], summary: "List task families and their parameters" },
  {
    name: "hub",
    args: [],
    options: [],
    launches: true,
    summary: "Run a hub in this process (configured by DROVER_* variables)",
  },
  {
    name: "worker",
    args: [],
    options: [],
    launches: true,
    summary: "Run a worker in this process (DROVER_TASK_MODULES names the task modules)",
  },
  { name: "help", args: [], options: [], summary: "Show help (for one command: help COMMAND)" },
];

/** The command named `name`, or undefined. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `drover submit FAMILY [--param NAME=VALUE]... [--wait]`: a command's synopsis. */
export function usageLine(spec: CommandSpec): string {
  const parts = ["drover", spec.name, argsSynopsis(spec)].filter(Boolean);
  if (spec.name === "help") parts.push("[COMMAND]");
  for (const name of spec.options) {
    const option = OPTIONS[name]!;
    const value = option.placeholder ? ` ${option.placeholder}` : "";
    const text = `--${option.name}${value}`;
    parts.push(
      spec.required?.includes(name) ? text : `[${text}]${option.kind === "list" ? "..." : ""}`,
    );
  }
  return parts.join(" ");
}

/** `FAMILY`, `create|list|revoke|generate [TOKEN_ID]`: a command's arguments as shown. */
export function argsSynopsis(spec: CommandSpec): string {
  if (spec.synopsis !== undefined) return spec.synopsis;
  return [...spec.args, ...(spec.optionalArgs ?? []).map((a) => `[${a}]`)].join(" ");
}
