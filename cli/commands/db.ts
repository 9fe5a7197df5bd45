/** `drover db backup FILE` and `drover db prune [--dry-run]`. */
import type {
  PruneCounts,
  PrunePreviewAnswer,
  PruneReportAnswer,
} from "../../shared/api_schemas_db.ts";
import { formatDuration } from "../../shared/duration.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

/** Backs the database up, or runs (or previews) retention. */
export async function dbCommand(
  command: Extract<Command, { name: "db" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  if (command.action === "prune") {
    if (command.dryRun) {
      const preview = await ctx.client.prunePreview();
      if (ctx.json) printJson(ctx, preview);
      else ctx.io.out(formatPreview(preview));
    } else {
      const report = await ctx.client.prune();
      if (ctx.json) printJson(ctx, report);
      else ctx.io.out(formatReport(report));
    }
    return EXIT.ok;
  }
  const backup = await ctx.client.backup(command.file);
  if (ctx.json) printJson(ctx, backup);
  else {
    ctx.io.out(
      `Backed up to ${backup.path} on the hub's machine: ${backup.bytes} bytes in ${backup.ms} ms`,
    );
  }
  return EXIT.ok;
}

/** "3 runs, 1,204 tasks (…)" lines, one per kind of row. */
function countLines(counts: PruneCounts & { events?: number }): string[] {
  const n = (x: number) => x.toLocaleString("en-US");
  return [
    `  runs           ${n(counts.runs)}` +
    (counts.backfills ? ` (and ${n(counts.backfills)} backfills)` : ""),
    `  tasks          ${n(counts.tasks)}`,
    `  attempts       ${n(counts.attempts)}`,
    `  publications   ${n(counts.publications)}`,
    `  log lines      ${n(counts.taskLogs)}`,
    ...(counts.events === undefined ? [] : [`  events         ${n(counts.events)}`]),
    `  audit entries  ${n(counts.audit)}`,
  ];
}

function keptFor(ms: number | null): string {
  return ms === null ? "kept forever (off)" : `kept ${formatDuration(ms)}`;
}

function formatPreview(p: PrunePreviewAnswer): string {
  const r = p.retention;
  const when = (at: number | null) => at === null ? "never" : new Date(at).toISOString();
  return [
    `Retention: finished runs ${keptFor(r.runRetentionMs)}, audit entries ${
      keptFor(r.auditRetentionMs)
    }, events ${keptFor(r.eventRetentionMs)}, log lines ${keptFor(r.taskLogRetentionMs)}.`,
    `A pass now would delete (runs finished before ${when(p.cutoffs.runsBefore)}, ` +
    `audit entries before ${when(p.cutoffs.auditBefore)}):`,
    ...countLines(p.wouldDelete),
    "Tasks a kept run still needs, and tasks not yet settled, stay. Nothing was deleted " +
    "(dry run); events and log lines past their own ages go as well.",
  ].join("\n");
}

function formatReport(r: PruneReportAnswer): string {
  return [
    `Deleted, in ${r.batches} batches (each held the database at most ${
      r.maxBatchMs.toFixed(1)
    } ms, 99 % under ${r.p99BatchMs.toFixed(1)} ms):`,
    ...countLines(r),
    r.finished
      ? "Nothing past its retention is left."
      : "More is left: the hubs' retention timers go on with it (every minute).",
  ].join("\n");
}
