/** `drover runs [--state S] [--family F] [--limit N] [--cursor C]`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatNextPage } from "../format_next_page.ts";
import { formatTable } from "../../shared/text_table.ts";
import { formatDuration, formatTimestamp, runElapsedMs } from "../format_time.ts";

/** Lists a page of runs, newest first, and how to show the next page. */
export async function runsCommand(
  command: Extract<Command, { name: "runs" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const page = await ctx.client.listRuns(command);
  if (ctx.json) {
    printJson(ctx, page);
    return EXIT.ok;
  }
  const { runs, next } = page;
  if (runs.length === 0) {
    const filtered = command.state !== null || command.family !== null || command.cursor !== null;
    ctx.io.out(filtered ? "No runs match." : "No runs yet.");
    return EXIT.ok;
  }
  const hubNow = ctx.hubNow();
  ctx.io.out(formatTable(
    ["RUN", "FAMILY", "STATE", "DONE", "FAILED", "CREATED", "TOOK"],
    runs.map((r) => [
      r.runId,
      r.family,
      r.state,
      `${r.counts.done ?? 0}/${r.total}`,
      String(r.counts.failed ?? 0),
      formatTimestamp(r.createdAt),
      formatDuration(runElapsedMs(r, hubNow)) + (r.finishedAt === null ? "…" : ""),
    ]),
  ));
  if (next !== null) {
    const { state, family, limit } = command;
    ctx.io.out(formatNextPage("runs", { state, family, limit }, next));
  }
  return EXIT.ok;
}
