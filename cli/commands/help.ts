/** `drover help [COMMAND]`: usage, options and exit codes. */
import {
  argsSynopsis,
  COMMANDS,
  type CommandSpec,
  findCommand,
  GLOBAL_OPTIONS,
  OPTIONS,
  usageLine,
} from "../command_specs.ts";
import { DEFAULT_HUB_URL } from "../config.ts";
import { EXIT } from "../exit_codes.ts";
import { formatFields } from "../../shared/text_table.ts";

const EXIT_CODES: readonly (readonly [number, string])[] = [
  [EXIT.ok, "success"],
  [
    EXIT.runFailed,
    "the run failed (submit --wait, retry --wait) or a day failed (backfill --wait); " +
    "the failed tasks are named. hub, worker: it could not start (e.g. its port is taken)",
  ],
  [EXIT.usage, "usage error: bad command, option, date, --param or --pin"],
  [EXIT.unreachable, "the hub could not be reached (connection refused, unknown host, timeout)"],
  [EXIT.hubError, "the hub answered with an error (unknown family or run, invalid params, ...)"],
  [
    EXIT.auth,
    "the hub refused the token: none, unknown or revoked (401), or its role may not (403)",
  ],
  [EXIT.internal, "internal error in drover (a bug: the stack trace is printed)"],
];

/** More about a command, shown by `drover help COMMAND`. */
const DETAILS: Readonly<Record<string, readonly string[]>> = {
  hub: [
    "Does what 'deno task hub' does: DROVER_HOST, DROVER_PORT, DROVER_DB_URL,",
    "DROVER_ADMIN_TOKEN and the other DROVER_* variables of the README configure it;",
    "a bad one exits 2 naming it. SIGTERM or SIGINT closes the hub cleanly, exit 0.",
    "  DROVER_PORT=8080 DROVER_DB_URL=file:.drover/drover.db drover hub",
  ],
  worker: [
    "Does what worker/main.ts does: DROVER_TASK_MODULES names the task modules",
    "(comma-separated paths or URLs, each exporting 'tasks' or 'createTasks({ dataDir })');",
    "DROVER_HUB_URL, DROVER_WORKER_TOKEN, DROVER_WORKER_LABELS and the other DROVER_*",
    "variables configure the rest. SIGTERM or SIGINT lets running tasks finish",
    "(DROVER_WORKER_GRACE_MS), then exits 0; so does a drain by the hub.",
    "  DROVER_TASK_MODULES=./examples/tasks.ts DROVER_WORKER_TOKEN=drv_tok_... drover worker",
  ],
  submit: [
    "--pin LABEL=VALUE pins the run's root task to workers with that label;",
    "repeat a label (or write a,b) to allow any of several values:",
    "  drover submit ExtractRaw -p runDate=2026-11-23 --pin region=eu-west,us-east",
  ],
  runs: [
    "A full page ends with a line 'More: drover runs ... --cursor C' that shows the next one.",
  ],
  retry: [
    "A run's failed and cancelled tasks go back to the queue and the tasks they blocked wait",
    "again; a task goes back alone. --run or --task says whether ID names a run or a task;",
    "without either, drover asks the hub, and refuses an ID that names both (exit 2).",
    "--wait (runs only) follows the run like submit --wait and exits 1 if it fails again.",
    "  drover retry run_0123abcd --run --wait",
  ],
  cancel: [
    "A run has every unfinished task of it cancelled; a task, only itself. --run or --task",
    "says whether ID names a run or a task; without either, drover asks the hub, and refuses",
    "an ID that names both (exit 2).",
    "  drover cancel ExtractRaw_2026-11-23_ab12 --task --reason 'wrong day'",
  ],
  done: [
    "The task is recorded as done by hand, without running it; its dependents become ready.",
    "The reason is required and kept in the audit log.",
  ],
  logs: [
    "Each line: the worker's time, #attempt, level, message and fields as k=v; a marker line",
    "counts lines lost there (the worker's buffer was full, or an attempt over its size cap).",
    "--follow prints new lines as they arrive and returns once the task is done, failed or",
    "cancelled; --json prints each line as one JSON object per output line.",
    "  drover logs ExtractRaw_2026-11-23_ab12 --attempt 2",
  ],
  token: [
    "token create --role ROLE: admin (everything), operator (run pipelines), viewer (read,",
    "audit) or worker (connect a worker; --scope limits it to labels). The token is printed",
    "once, on stdout.",
    "token generate: prints a new random token without asking the hub, in the format",
    "drv_tok_<12 hex>_<43 base64url>. Set it as DROVER_ADMIN_TOKEN when the hub first",
    "starts, and as DROVER_TOKEN for drover:",
    '  export DROVER_ADMIN_TOKEN="$(drover token generate)"',
    '  export DROVER_TOKEN="$DROVER_ADMIN_TOKEN"',
  ],
  audit: [
    "Every mutating API call, allowed or refused. A full page ends with a 'More: ...' line.",
    "--actor takes a token's id or its name; --target the exact id acted on:",
    "  drover audit --actor ci --target run_0123abcd",
  ],
  resources: [
    "LIMIT is how many units of the resource running tasks may hold at once, 0 to 1000000.",
  ],
  db: [
    "A consistent copy (VACUUM INTO) of a local libSQL database, made while the hubs run;",
    "FILE must not exist. Admin only. To restore: stop the hubs, then start them with",
    "DROVER_DB_URL=file:FILE (or copy FILE over the old database first).",
  ],
};

/** The help text: everything, or one command's usage and options. */
export function helpText(topic: string | null): string {
  const spec = topic === null ? undefined : findCommand(topic);
  if (spec && spec.name !== "help") return commandHelp(spec);
  return [
    "drover: the command-line client of a Drover hub; it also runs a hub or a worker",
    "",
    "Usage: drover COMMAND [ARGS] [OPTIONS]",
    "",
    "Commands:",
    indent(
      formatFields(COMMANDS.map((c) => [`${c.name} ${argsSynopsis(c)}`.trim(), c.summary])),
    ),
    ...COMMANDS.filter((c) => c.options.length > 0).flatMap((c) => [
      "",
      `Options of ${c.name}:`,
      indent(optionTable(c.options)),
    ]),
    "",
    "Options for every command but hub and worker (configured by DROVER_* variables):",
    indent(optionTable(GLOBAL_OPTIONS)),
    "",
    "Examples:",
    "  DROVER_DB_URL=file:.drover/drover.db drover hub",
    "  DROVER_HUB_URL=http://127.0.0.1:8080 DROVER_TASK_MODULES=./examples/tasks.ts drover worker",
    "  drover submit AggregateShards --param totalShards=10 --wait",
    "  drover submit TransformTable -p runDate=2026-11-23 -p table=orders --json",
    "  drover backfill ExtractRaw --from 2026-11-01 --to 2026-11-30 --max-concurrent 4 --wait",
    "  drover submit ExtractRaw -p runDate=2026-11-23 --pin region=eu-west --pin region=us-east",
    "  drover tasks --run run_0123abcd --state failed",
    "  drover logs ExtractRaw_2026-11-23_ab12 --follow",
    "  drover retry run_0123abcd --run --wait",
    "  drover done ExtractRaw_2026-11-23_ab12 --reason 'loaded by hand'",
    "  drover pause region eu-west --reason 'maintenance'",
    "  export DROVER_ADMIN_TOKEN=$(drover token generate)   # before the hub first starts",
    "",
    "Parameters are converted with the family's schema (see `drover families`):",
    "integers and numbers, true/false, JSON for arrays and objects (a list of",
    "scalars may also be written a,b,c), strings as given.",
    "",
    `The hub is found at --url, else $DROVER_URL, else ${DEFAULT_HUB_URL}.`,
    "The token (--token, else $DROVER_TOKEN) is sent as 'Authorization: Bearer TOKEN';",
    "its role (admin, operator, viewer, worker) decides what the hub allows.",
    "",
    "Exit codes:",
    indent(formatFields(EXIT_CODES.map(([code, text]) => [String(code), text]))),
  ].join("\n");
}

function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${usageLine(spec)}`, "", spec.summary];
  const details = DETAILS[spec.name];
  if (details) lines.push("", ...details);
  if (spec.options.length > 0) {
    lines.push("", "Options:", indent(optionTable(spec.options)));
  }
  if (spec.launches) {
    lines.push("", "Configured by DROVER_* variables (see the README's Configuration): --url,");
    lines.push("--token and --json do not apply.");
  } else {
    lines.push("", "Options for every command:", indent(optionTable(GLOBAL_OPTIONS)));
  }
  lines.push("", 'Exit codes: see "drover help".');
  return lines.join("\n");
}

function optionTable(names: readonly string[]): string {
  return formatFields(
    names.map((name) => {
      const o = OPTIONS[name]!;
      const short = o.short ? `-${o.short}, ` : "    ";
      const value = o.placeholder ? ` ${o.placeholder}` : "";
      return [`${short}--${o.name}${value}`, o.help];
    }),
  );
}

function indent(text: string): string {
  return text.split("\n").map((line) => `  ${line}`).join("\n");
}
