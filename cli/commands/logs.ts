/** `drover logs TASK_ID [--attempt N] [--follow]`: a task's log, as workers shipped it. */
import type { StoredLogLine } from "../../shared/api_schemas_logs.ts";
import type { Command } from "../command.ts";
import type { CommandContext } from "../command_context.ts";
import { HubUnreachableError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatLogLine } from "../format_log_line.ts";

/** Lines asked for per page. */
const PAGE = 1_000;
/** A stream lost this many times in a row, with no line between, gives up. */
const MAX_RECONNECTS = 10;
/** The pause before following again after a lost stream. */
const RECONNECT_MS = 1_000;

/** Prints a task's log; with `--follow`, until the task is over. */
export async function logsCommand(
  command: Extract<Command, { name: "logs" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const print = (line: StoredLogLine) =>
    ctx.io.out(ctx.json ? JSON.stringify(line) : formatLogLine(line));
  const { taskId, attempt } = command;
  if (command.follow) return await follow(command, ctx, print);
  let after: number | null = null;
  let printed = 0;
  do {
    const page = await ctx.client.getTaskLogs(taskId, { attempt, after, limit: PAGE });
    page.lines.forEach(print);
    printed += page.lines.length;
    after = page.next;
  } while (after !== null);
  if (printed === 0 && !ctx.json) {
    ctx.io.err(`No log lines for task ${taskId}${attempt === null ? "" : ` attempt ${attempt}`}`);
  }
  return EXIT.ok;
}

/**
 * Follows the log until its `end` event. A stream lost once lines came (a
 * hub restarting) is followed again after the last line printed; a hub that
 * cannot be reached at first is an error at once, as for every command.
 */
async function follow(
  command: Extract<Command, { name: "logs" }>,
  ctx: CommandContext,
  print: (line: StoredLogLine) => void,
): Promise<ExitCode> {
  let after: number | null = null;
  let heard = false;
  for (let lost = 0;; lost++) {
    try {
      const events = ctx.client.followTaskLogs(command.taskId, { attempt: command.attempt, after });
      for await (const event of events) {
        lost = 0;
        heard = true;
        if (event.type === "line") {
          print(event.line);
          after = event.line.id;
          continue;
        }
        if (!ctx.json) ctx.io.err(`Task ${event.taskId} is ${event.state}.`);
        return EXIT.ok;
      }
    } catch (error) {
      if (!(error instanceof HubUnreachableError) || !heard || lost >= MAX_RECONNECTS) {
        throw error;
      }
    }
    if (lost >= MAX_RECONNECTS) {
      throw new HubUnreachableError(ctx.client.baseUrl, "the log stream keeps ending early");
    }
    await ctx.sleep(RECONNECT_MS);
  }
}
