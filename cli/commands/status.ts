/** `drover status RUN_ID`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatCounts } from "../format_run.ts";
import { formatExecutionSummary } from "../../shared/execution_summary.ts";
import { formatFields } from "../../shared/text_table.ts";
import { formatDuration, formatTimestamp, runElapsedMs } from "../format_time.ts";

/** Shows a run: state, family and params, task counts, then its execution summary. */
export async function statusCommand(
  command: Extract<Command, { name: "status" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const run = await ctx.client.getRun(command.runId);
  if (ctx.json) {
    printJson(ctx, run);
    return EXIT.ok;
  }
  const elapsedMs = runElapsedMs(run, ctx.hubNow());
  const took = formatDuration(elapsedMs);
  ctx.io.out(formatFields([
    ["Run", run.runId],
    ["State", run.state],
    ["Family", run.family],
    ["Params", JSON.stringify(run.params)],
    ["Root task", run.rootTaskId],
    ["Created", formatTimestamp(run.createdAt)],
    run.finishedAt === null
      ? ["Running for", took]
      : ["Finished", `${formatTimestamp(run.finishedAt)} (took ${took})`],
    ["Tasks", `${run.total}: ${formatCounts(run.counts)}`],
  ]));
  ctx.io.out(`\n${formatExecutionSummary(run, elapsedMs)}`);
  return EXIT.ok;
}
