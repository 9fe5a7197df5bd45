/**
 * The options of `drover`: how each takes its value and what it does. The
 * commands that take them are in `command_specs.ts`.
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

/**
 * Every option `drover` knows, by key (what command specs list). Two options
 * may share a name when no command takes both: `--run RUN_ID` of `tasks`,
 * the `--run` flag of `retry`.
 */
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
  "dry-run": {
    name: "dry-run",
    kind: "flag",
    help: "db prune: say what would be deleted, delete nothing",
  },
  attempt: {
    name: "attempt",
    kind: "value",
    placeholder: "N",
    help: "logs: only the lines of attempt N",
  },
  follow: {
    name: "follow",
    short: "f",
    kind: "flag",
    help: "logs: keep printing new lines until the task is done, failed or cancelled",
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
  // `retry` and `cancel`: what their ID names. Without either, drover asks the hub.
  "is-run": {
    name: "run",
    kind: "flag",
    help: "ID names a run (without --run or --task, drover asks the hub which it is)",
  },
  "is-task": { name: "task", kind: "flag", help: "ID names a task" },
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
  actor: {
    name: "actor",
    kind: "value",
    placeholder: "ID_OR_NAME",
    help: "Only entries of the token with this id or name (who did it)",
  },
  cron: {
    name: "cron",
    kind: "value",
    placeholder: "EXPR",
    help: "schedule create: a cron expression, 5 fields or 6 with seconds (quote it)",
  },
  every: {
    name: "every",
    kind: "value",
    placeholder: "DURATION",
    help: "schedule create: or a fixed interval, e.g. 15m, 6h",
  },
  zone: {
    name: "zone",
    kind: "value",
    placeholder: "ZONE",
    help: "schedule create: the IANA time zone the cron and dates are read in (default UTC)",
  },
  "time-param": {
    name: "time-param",
    kind: "list",
    placeholder: "NAME=FORMAT",
    help: "schedule create: a parameter set from the nominal time: date, datetime or epoch_ms",
  },
  "catch-up": {
    name: "catch-up",
    kind: "value",
    placeholder: "POLICY",
    help: "schedule create: none, latest (default), or all:WINDOW:MAX (e.g. all:3d:5)",
  },
  overlap: {
    name: "overlap",
    kind: "value",
    placeholder: "POLICY",
    help: "schedule create: skip (default), buffer, allow or cancel, while a run is going",
  },
  jitter: {
    name: "jitter",
    kind: "value",
    placeholder: "DURATION",
    help: "schedule create: fire up to this much after each time",
  },
  start: {
    name: "start",
    kind: "value",
    placeholder: "TIME",
    help: "schedule create: no time before this (ISO 8601 with an offset)",
  },
  end: {
    name: "end",
    kind: "value",
    placeholder: "TIME",
    help: "schedule create: no time after this (ISO 8601 with an offset)",
  },
  map: {
    name: "map",
    kind: "list",
    placeholder: "PARAM=/POINTER",
    help: "hook/trigger create: a parameter taken from the payload at a JSON pointer",
  },
  "key-header": {
    name: "key-header",
    kind: "value",
    placeholder: "HEADER",
    help: "hook create: the header with each delivery's id (default X-GitHub-Delivery)",
  },
  "key-field": {
    name: "key-field",
    kind: "value",
    placeholder: "/POINTER",
    help: "hook/trigger create: the payload field with each delivery's id",
  },
  secret: {
    name: "secret",
    kind: "value",
    placeholder: "SECRET",
    help: "hook create: the signing secret (default: made by the hub, printed once)",
  },
  jetstream: {
    name: "jetstream",
    kind: "value",
    placeholder: "STREAM",
    help: "trigger create: the JetStream stream to read (it must exist)",
  },
  server: {
    name: "server",
    kind: "list",
    placeholder: "HOST:PORT",
    help: "trigger create: a NATS server (repeat for a cluster)",
  },
  subject: {
    name: "subject",
    kind: "value",
    placeholder: "SUBJECT",
    help: "trigger create: only the stream's messages on this subject (wildcards allowed)",
  },
  durable: {
    name: "durable",
    kind: "value",
    placeholder: "NAME",
    help: "trigger create: the durable consumer (default drover-NAME, made when missing)",
  },
  deliver: {
    name: "deliver",
    kind: "value",
    placeholder: "new|all",
    help: "trigger create: a new consumer starts at new messages (default) or all the stream",
  },
  "ack-wait": {
    name: "ack-wait",
    kind: "value",
    placeholder: "DURATION",
    help: "trigger create: redeliver a message not acknowledged after this (default 30s)",
  },
  batch: {
    name: "batch",
    kind: "value",
    placeholder: "N",
    help: "trigger create: most messages submitted in one transaction (default 100)",
  },
  "nats-auth": {
    name: "nats-auth",
    kind: "value",
    placeholder: "AUTH",
    help:
      "trigger create: token:ENV, user:NAME:ENV (the password in ENV) or creds:FILE, on the hubs",
  },
  paused: {
    name: "paused",
    kind: "flag",
    help: "trigger create: create it paused (nothing consumed until resumed)",
  },
  target: {
    name: "target",
    kind: "value",
    placeholder: "ID",
    help: "Only entries about this run, task, worker, token, family or region (exact)",
  },
};
