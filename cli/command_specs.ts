/**
 * The grammar of `drover`: its commands, their arguments and options. The
 * argument parser and the help text both read it.
 */

/** How an option takes its value. */
export type OptionKind = "flag" | "value" | "list";

/** One `--option`. */
export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: OptionKind;
  /** The value's placeholder in the help text. */
  readonly placeholder?: string;
  readonly help: string;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS = ["url", "token", "json", "help"] as const;

/** Every option `drover` knows, by name. */
export const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: {
    name: "url",
    kind: "value",
    placeholder: "URL",
    help: "Hub base URL (default: $DROVER_URL, then http://127.0.0.1:8080)",
  },
  token: {
    name: "token",
    kind: "value",
    placeholder: "TOKEN",
    help: "Sent as 'Authorization: Bearer TOKEN' (default: $DROVER_TOKEN)",
  },
  json: { name: "json", kind: "flag", help: "Print machine-readable JSON on stdout" },
  help: { name: "help", short: "h", kind: "flag", help: "Show help" },
  param: {
    name: "param",
    short: "p",
    kind: "list",
    placeholder: "NAME=VALUE",
    help: "A parameter, converted with the family's schema; repeat for each",
  },
  wait: {
    name: "wait",
    short: "w",
    kind: "flag",
    help: "Follow the run (or backfill) until it ends, with a progress line",
  },
  from: { name: "from", kind: "value", placeholder: "DATE", help: "First day, as YYYY-MM-DD" },
  to: {
    name: "to",
    kind: "value",
    placeholder: "DATE",
    help: "Last day (included), as YYYY-MM-DD",
  },
  "param-name": {
    name: "param-name",
    kind: "value",
    placeholder: "NAME",
    help: "The parameter that takes each day (default: the family's only date parameter)",
  },
  "max-concurrent": {
    name: "max-concurrent",
    kind: "value",
    placeholder: "N",
    help: "At most N days unfinished at once (default: no limit)",
  },
  priority: {
    name: "priority",
    kind: "value",
    placeholder: "N",
    help: "Higher runs first (default: the family's priority)",
  },
  run: { name: "run", kind: "value", placeholder: "RUN_ID", help: "Only the tasks of this run" },
  state: {
    name: "state",
    kind: "value",
    placeholder: "STATE",
    help: "Only tasks in this state: ready, leased, waiting, done, failed, blocked, cancelled",
  },
  family: { name: "family", kind: "value", placeholder: "FAMILY", help: "Only this family" },
  role: {
    name: "role",
    kind: "value",
    placeholder: "ROLE",
    help: "token create: the role (worker)",
  },
  scope: {
    name: "scope",
    kind: "value",
    placeholder: "LABELS",
    help: "token create: labels the worker must carry, e.g. region=eu-west",
  },
  name: {
    name: "name",
    kind: "value",
    placeholder: "NAME",
    help: "token create: a name to recognise it by",
  },
  limit: { name: "limit", kind: "value", placeholder: "N", help: "Show at most N rows" },
};

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
  readonly summary: string;
}

/** The commands, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "submit",
    args: ["FAMILY"],
    options: ["param", "priority", "wait"],
    summary: "Submit a run of a task family",
  },
  {
    name: "backfill",
    args: ["FAMILY"],
    options: ["from", "to", "param-name", "param", "max-concurrent", "priority", "wait"],
    required: ["from", "to"],
    summary: "Run a family once per day over a date range, skipping complete days",
  },
  { name: "status", args: ["RUN_ID"], options: [], summary: "Show a run's state and failed tasks" },
  { name: "runs", args: [], options: ["limit"], summary: "List recent runs, newest first" },
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
    name: "token",
    args: ["create|list|revoke"],
    optionalArgs: ["TOKEN_ID"],
    options: ["role", "scope", "name"],
    summary: "Create a worker token (shown once), list tokens, or revoke one (closes its sessions)",
  },
  {
    name: "drain",
    args: ["WORKER"],
    options: [],
    summary: "Cordon a worker, let its running tasks finish, then disconnect it for good",
  },
  { name: "families", args: [], options: [], summary: "List task families and their parameters" },
  { name: "help", args: [], options: [], summary: "Show help (for one command: help COMMAND)" },
];

/** The command named `name`, or undefined. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `drover submit FAMILY [--param NAME=VALUE]... [--wait]`: a command's synopsis. */
export function usageLine(spec: CommandSpec): string {
  const parts = [
    "drover",
    spec.name,
    ...spec.args,
    ...(spec.optionalArgs ?? []).map((a) => `[${a}]`),
  ];
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
