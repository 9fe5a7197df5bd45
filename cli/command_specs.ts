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
  pin: {
    name: "pin",
    kind: "list",
    placeholder: "LABEL=VALUE",
    help: "Run only on workers with this label; repeat (or a,b) to allow several values",
  },
  run: { name: "run", kind: "value", placeholder: "RUN_ID", help: "Only the tasks of this run" },
  state: {
    name: "state",
    kind: "value",
    placeholder: "STATE",
    help: "Only those in this state; tasks: ready, leased, waiting, done, failed, blocked, " +
      "cancelled; runs: running, done, failed, cancelled",
  },
  family: { name: "family", kind: "value", placeholder: "FAMILY", help: "Only this family" },
  role: {
    name: "role",
    kind: "value",
    placeholder: "ROLE",
    help: "token create: admin, operator, viewer or worker (default: worker)",
  },
  scope: {
    name: "scope",
    kind: "value",
    placeholder: "LABELS",
    help: "token create, worker tokens only: labels the worker must carry, e.g. region=eu-west",
  },
  name: {
    name: "name",
    kind: "value",
    placeholder: "NAME",
    help: "token create: a name to recognise it by",
  },
  limit: { name: "limit", kind: "value", placeholder: "N", help: "Show at most N rows" },
  cursor: {
    name: "cursor",
    kind: "value",
    placeholder: "CURSOR",
    help: "Show the page after this one (printed as More: … below a full page)",
  },
  reason: {
    name: "reason",
    kind: "value",
    placeholder: "TEXT",
    help: "Why, recorded with the change and in the audit log",
  },
  action: {
    name: "action",
    kind: "value",
    placeholder: "ACTION",
    help: "Only entries of this action, e.g. run.submit or token.create",
  },
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
  /** The arguments as the usage line shows them, when `args` and `optionalArgs` do not say it. */
  readonly synopsis?: string;
  readonly summary: string;
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
    options: ["wait"],
    summary: "Retry a run's failed tasks (ID run_…), or one failed or cancelled task",
  },
  {
    name: "cancel",
    args: ["ID"],
    options: ["reason"],
    summary: "Cancel a run's unfinished tasks (ID run_…), or one task",
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
    options: ["action", "limit", "cursor"],
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
  { name: "families", args: [], options: [], summary: "List task families and their parameters" },
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
