/** `drover runs [--limit N]`. */
import type { Command } from "../args.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../format_table.ts";
import { formatDuration, formatTimestamp } from "../format_time.ts";

/** Lists recent runs, newest first. */
export async function runsCommand(
  command: Extract<Command, { name: "runs" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const runs = await ctx.client.listRuns(command.limit);
  if (ctx.json) {
    printJson(ctx, { runs });
    return EXIT.ok;
  }
  if (runs.length === 0) {
    ctx.io.out("No runs yet.");
    return EXIT.ok;
  }
  const now = ctx.now();
  ctx.io.out(formatTable(
    ["RUN", "FAMILY", "STATE", "DONE", "FAILED", "CREATED", "TOOK"],
    runs.map((r) => [
      r.runId,
      r.family,
      r.state,
      `${r.counts.done ?? 0}/${r.total}`,
      String(r.counts.failed ?? 0),
      formatTimestamp(r.createdAt),
      formatDuration((r.finishedAt ?? now) - r.createdAt) + (r.finishedAt === null ? "…" : ""),
    ]),
  ));
  return EXIT.ok;
}
