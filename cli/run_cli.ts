/**
 * Runs one `drover` command line and returns its exit code. Expected
 * failures are reported in one line on stderr; only a bug prints a stack.
 */
import { delay } from "../shared/delay.ts";
import { createApiClient } from "./api_client.ts";
import { parseArgs } from "./args.ts";
import type { Command } from "./command.ts";
import type { CommandContext } from "./command_context.ts";
import { auditCommand } from "./commands/audit.ts";
import { backfillCommand } from "./commands/backfill.ts";
import { cancelCommand } from "./commands/cancel.ts";
import { familiesCommand } from "./commands/families.ts";
import { helpText } from "./commands/help.ts";
import { launchCommand, type Launchers, PROCESS_LAUNCHERS } from "./commands/launch.ts";
import { logsCommand } from "./commands/logs.ts";
import { markDoneCommand } from "./commands/mark_done.ts";
import { pausesCommand } from "./commands/pauses.ts";
import { scheduleCommand } from "./commands/schedule.ts";
import { hookCommand } from "./commands/hook.ts";
import { triggerCommand } from "./commands/trigger.ts";
import { resourcesCommand } from "./commands/resources.ts";
import { dbCommand } from "./commands/db.ts";
import { retryCommand } from "./commands/retry.ts";
import { runsCommand } from "./commands/runs.ts";
import { statusCommand } from "./commands/status.ts";
import { submitCommand } from "./commands/submit.ts";
import { taskCommand } from "./commands/task.ts";
import { tasksCommand } from "./commands/tasks.ts";
import { generateTokenCommand, tokenCommand } from "./commands/token.ts";
import { workerModeCommand } from "./commands/worker_mode.ts";
import { workersCommand } from "./commands/workers.ts";
import { loadClientConfig } from "./config.ts";
import { readCaFile } from "../worker/read_ca_file.ts";
import { describeAuthError } from "./describe_auth_error.ts";
import { HubAuthError, HubError, HubUnreachableError, UsageError } from "./errors.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { createHubClock } from "./hub_clock.ts";
import type { Io } from "./io.ts";

/** A `fetch` that also trusts the CAs in `caFile` (a bad file is a usage error). */
async function fetchTrusting(caFile: string): Promise<typeof fetch> {
  let caCerts: string[];
  try {
    caCerts = await readCaFile(caFile);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const client = Deno.createHttpClient({ caCerts });
  return (input, init) => fetch(input, { ...init, client });
}

/** How often `--wait` polls the run or backfill. */
const POLL_MS = 200;

/** What {@link runCli} needs from the process. */
export interface CliDeps {
  env: Record<string, string | undefined>;
  io: Io;
  /** Injected in tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** What `drover hub` and `drover worker` start; injected in tests. */
  launchers?: Launchers;
}

/** Parses `argv`, runs the command, reports any failure; resolves with the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  try {
    const invocation = parseArgs(argv);
    const { command } = invocation;
    // Offline commands: no hub, so no URL to get wrong.
    if (command.name === "help") {
      deps.io.out(helpText(command.topic));
      return EXIT.ok;
    }
    if (command.name === "token" && command.action === "generate") {
      return generateTokenCommand(deps.io, invocation.json);
    }
    if (command.name === "hub" || command.name === "worker") {
      return await launchCommand(command, deps.env, deps.io, deps.launchers ?? PROCESS_LAUNCHERS);
    }
    const config = loadClientConfig(invocation, deps.env);
    const now = deps.now ?? Date.now;
    const clock = createHubClock(now);
    const fetch = deps.fetch ?? (config.caFile ? await fetchTrusting(config.caFile) : undefined);
    const ctx: CommandContext = {
      client: createApiClient({ ...config, fetch, clock }),
      io: deps.io,
      json: invocation.json,
      now,
      hubNow: clock.now,
      sleep: deps.sleep ?? ((ms) => delay(ms)),
      pollMs: POLL_MS,
    };
    return await dispatch(command, ctx);
  } catch (error) {
    return report(error, deps.io);
  }
}

function dispatch(
  command: Exclude<Command, { name: "help" | "hub" | "worker" }>,
  ctx: CommandContext,
) {
  switch (command.name) {
    case "submit":
      return submitCommand(command, ctx);
    case "backfill":
      return backfillCommand(command, ctx);
    case "schedule":
      return scheduleCommand(command, ctx);
    case "hook":
      return hookCommand(command, ctx);
    case "trigger":
      return triggerCommand(command, ctx);
    case "status":
      return statusCommand(command, ctx);
    case "runs":
      return runsCommand(command, ctx);
    case "retry":
      return retryCommand(command, ctx);
    case "cancel":
      return cancelCommand(command, ctx);
    case "done":
      return markDoneCommand(command, ctx);
    case "tasks":
      return tasksCommand(command, ctx);
    case "task":
      return taskCommand(command, ctx);
    case "logs":
      return logsCommand(command, ctx);
    case "pause":
    case "resume":
    case "pauses":
      return pausesCommand(command, ctx);
    case "workers":
      return workersCommand(command, ctx);
    case "families":
      return familiesCommand(command, ctx);
    case "cordon":
    case "uncordon":
    case "drain":
      return workerModeCommand(command, ctx);
    case "token":
      return tokenCommand(command, ctx);
    case "audit":
      return auditCommand(command, ctx);
    case "resources":
      return resourcesCommand(command, ctx);
    case "db":
      return dbCommand(command, ctx);
  }
}

/** Prints `error: …` for a failure and picks its exit code. */
function report(error: unknown, io: Io): ExitCode {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof HubUnreachableError) {
    io.err(`error: ${error.message}`);
    return EXIT.unreachable;
  }
  if (error instanceof HubAuthError) {
    io.err(`error: ${describeAuthError(error)}`);
    return EXIT.auth;
  }
  if (error instanceof HubError) {
    io.err(`error: ${error.message} (${error.code})`);
    return EXIT.hubError;
  }
  const detail = error instanceof Error ? error.stack ?? error.message : String(error);
  io.err(`error: internal error in drover, please report it:\n${detail}`);
  return EXIT.internal;
}
