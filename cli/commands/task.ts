/** `drover task TASK_ID`. */
import type { TaskDetail } from "../../shared/api_schemas.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { describeError } from "../../shared/describe_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatFields, formatTable } from "../../shared/text_table.ts";
import { formatDuration, formatTimestamp } from "../format_time.ts";
import { formatStatus } from "./tasks.ts";

/** Shows one task: its state, lease, dependencies, attempts and publication. */
export async function taskCommand(
  command: Extract<Command, { name: "task" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const task = await ctx.client.getTask(command.taskId);
  if (ctx.json) {
    printJson(ctx, task);
    return EXIT.ok;
  }
  ctx.io.out(formatTask(task, ctx.hubNow()));
  return EXIT.ok;
}

/** The human view of a task, as `drover task` prints it. */
export function formatTask(task: TaskDetail, now: number): string {
  const fields: [string, string][] = [
    ["Task", task.id],
    ["Family", `${task.family} v${task.version}`],
    ["Params", JSON.stringify(task.params)],
    ["State", task.state],
    ["Attempt", `${task.attempt}/${task.maxAttempts}${nextAttempt(task, now)}`],
  ];
  if (task.lease) {
    fields.push([
      "Lease",
      `worker ${task.lease.workerId ?? "?"}, epoch ${task.lease.epoch}, expires ${
        formatTimestamp(task.lease.expiresAt)
      }`,
    ]);
  }
  const status = formatStatus(task);
  if (status) fields.push(["Status", status]);
  if (task.lastError) fields.push(["Last error", describeError(task.lastError)]);
  fields.push(
    ["Created", formatTimestamp(task.createdAt)],
    ["Started", formatTimestamp(task.startedAt)],
    ["Finished", formatTimestamp(task.finishedAt)],
    ["Dependents", String(task.dependents)],
  );
  if (task.publication) {
    const p = task.publication;
    fields.push([
      "Published",
      `${formatTimestamp(p.createdAt)} by ${p.workerId ?? "?"} (${p.kind}, epoch ${p.epoch})`,
    ]);
  }
  const sections = [formatFields(fields)];
  sections.push(
    task.dependencies.length === 0 ? "Dependencies: none" : formatTable(
      ["DEPENDENCY", "STATE"],
      task.dependencies.map((d) => [d.id, d.state]),
    ),
  );
  sections.push(
    task.attempts.length === 0 ? "Attempts: none" : formatTable(
      ["EPOCH", "ATTEMPT", "KIND", "WORKER", "STARTED", "TOOK", "OUTCOME", "ERROR"],
      task.attempts.map((a) => [
        String(a.epoch),
        String(a.attempt),
        a.kind,
        a.workerName ?? a.workerId,
        formatTimestamp(a.startedAt),
        a.endedAt === null ? "" : formatDuration(a.endedAt - a.startedAt),
        a.outcome ?? "",
        a.error ? describeError(a.error) : "",
      ]),
    ),
  );
  return sections.join("\n\n");
}

function nextAttempt(task: TaskDetail, now: number): string {
  if (task.state !== "ready" || task.nextAttemptAt === null || task.nextAttemptAt <= now) {
    return "";
  }
  return ` (next attempt in ${formatDuration(task.nextAttemptAt - now)})`;
}
