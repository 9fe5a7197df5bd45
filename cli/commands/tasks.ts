/** `drover tasks [--run ID] [--state S] [--family F] [--limit N]`. */
import type { Task } from "../../shared/api_schemas.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { describeError } from "../../shared/describe_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../../shared/text_table.ts";

/** Lists tasks, filtered by run, state and family. */
export async function tasksCommand(
  command: Extract<Command, { name: "tasks" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const tasks = await ctx.client.listTasks(command);
  if (ctx.json) {
    printJson(ctx, { tasks });
    return EXIT.ok;
  }
  if (tasks.length === 0) {
    ctx.io.out("No tasks match.");
    return EXIT.ok;
  }
  ctx.io.out(formatTable(
    ["TASK", "FAMILY", "STATE", "ATTEMPT", "STATUS", "LAST ERROR"],
    tasks.map((t) => [
      t.id,
      t.family,
      t.state,
      `${t.attempt}/${t.maxAttempts}`,
      formatStatus(t),
      t.lastError ? describeError(t.lastError) : "",
    ]),
  ));
  return EXIT.ok;
}

/** `extracting 40%`, from a task's status message and progress. */
export function formatStatus(task: Pick<Task, "status" | "progress">): string {
  const parts: string[] = [];
  if (task.status) parts.push(task.status);
  if (task.progress !== null) {
    parts.push(`${Math.round(task.progress * 100)}%`);
  }
  return parts.join(" ");
}
