/** `drover cancel ID [--run|--task] [--reason TEXT]`: a run's unfinished tasks, or one task. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { resolveTarget } from "../resolve_target.ts";

/**
 * Cancels a run (every unfinished task of it) or one task: `--run` or
 * `--task` says which, else the hub is asked.
 */
export async function cancelCommand(
  command: Extract<Command, { name: "cancel" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const target = command.target ?? await resolveTarget(ctx.client, "cancel", command.id);
  if (target === "run") {
    const result = await ctx.client.cancelRun(command.id, command.reason);
    if (ctx.json) printJson(ctx, result);
    else if (result.cancelled === 0) {
      ctx.io.out(`Nothing to cancel in run ${result.runId}: every task of it has finished`);
    } else {
      const tasks = result.cancelled === 1 ? "task" : "tasks";
      ctx.io.out(
        `Cancelled run ${result.runId}: ${result.cancelled} unfinished ${tasks} cancelled`,
      );
    }
    return EXIT.ok;
  }
  const result = await ctx.client.cancelTask(command.id, command.reason);
  if (ctx.json) printJson(ctx, result);
  else ctx.io.out(`Cancelled task ${result.taskId}: it is ${result.state} now`);
  return EXIT.ok;
}
