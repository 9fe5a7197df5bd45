/** `drover done TASK_ID --reason TEXT`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

/** Marks a task done without running it; the reason goes to the audit log. */
export async function markDoneCommand(
  command: Extract<Command, { name: "done" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const result = await ctx.client.markTaskDone(command.taskId, command.reason);
  if (ctx.json) printJson(ctx, result);
  else ctx.io.out(`Marked task ${result.taskId} ${result.state}: its dependents may go on`);
  return EXIT.ok;
}
