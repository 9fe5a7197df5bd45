/** `drover retry ID [--run|--task] [--wait]`: a run's failed tasks, or one task. */
import type { RunRetried } from "../../shared/api_schemas.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { followRun } from "../follow_run.ts";
import { resolveTarget } from "../resolve_target.ts";

/**
 * Retries a run (its failed tasks go back to the queue and the tasks they
 * blocked wait again) or one task: `--run` or `--task` says which, else the
 * hub is asked. With `--wait`, follows the run like `submit --wait`, and
 * `--json` prints its final status.
 */
export async function retryCommand(
  command: Extract<Command, { name: "retry" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const target = command.target ?? await resolveTarget(ctx.client, "retry", command.id);
  if (target === "task") {
    if (command.wait) {
      throw new UsageError(`Option "--wait" follows a run; "${command.id}" is a task`);
    }
    const result = await ctx.client.retryTask(command.id);
    if (ctx.json) printJson(ctx, result);
    else ctx.io.out(`Retried task ${result.taskId}: it is ${result.state} now`);
    return EXIT.ok;
  }
  const result = await ctx.client.retryRun(command.id);
  if (!command.wait && ctx.json) printJson(ctx, result);
  if (!ctx.json) ctx.io.out(describeRunRetry(result));
  if (!command.wait) return EXIT.ok;
  return await followRun(ctx, result.runId);
}

/** `Retried run run_ab: 2 failed tasks back in the queue (A_1, B_2), 5 unblocked`. */
export function describeRunRetry(result: RunRetried): string {
  const { runId, retried, unblocked } = result;
  if (retried.length === 0 && unblocked === 0) {
    return `Nothing to retry in run ${runId}: no task failed or was cancelled`;
  }
  const shown = retried.slice(0, 3).join(", ");
  const more = retried.length > 3 ? `, and ${retried.length - 3} more` : "";
  const tasks = retried.length === 1 ? "task" : "tasks";
  return `Retried run ${runId}: ${retried.length} ${tasks} back in the queue` +
    (retried.length > 0 ? ` (${shown}${more})` : "") +
    `, ${unblocked} unblocked`;
}
