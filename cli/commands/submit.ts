/** `drover submit FAMILY [--param NAME=VALUE]... [--wait]`. */
import type { Command } from "../args.ts";
import { coerceParams } from "../coerce_params.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { fetchFamily } from "../fetch_family.ts";
import { describeRunFailure, formatRunSummary } from "../format_run.ts";
import { createProgressReporter, formatProgress } from "../progress.ts";
import { waitForRun } from "../wait_for_run.ts";

/** Submits a run; with `--wait`, follows it and exits 1 when it fails. */
export async function submitCommand(
  command: Extract<Command, { name: "submit" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const family = await fetchFamily(ctx.client, command.family);
  const params = coerceParams(family.name, family.paramsSchema, command.params);
  const startedAt = ctx.now();
  // The version pins the submission to the schema the params were converted with.
  const submitted = await ctx.client.submitRun({
    family: family.name,
    version: family.version,
    params,
    ...(command.priority !== null ? { priority: command.priority } : {}),
  });
  if (!command.wait) {
    if (ctx.json) {
      printJson(ctx, submitted);
    } else {
      ctx.io.out(
        `Submitted run ${submitted.runId} (root task ${submitted.taskId}, ${submitted.rootState})`,
      );
      ctx.io.out(`Follow it with: drover status ${submitted.runId}`);
    }
    return EXIT.ok;
  }

  if (!ctx.json) {
    ctx.io.out(`Submitted run ${submitted.runId} (root task ${submitted.taskId})`);
  }
  // With --json and no terminal, stderr stays quiet for scripts that merge the streams.
  const progress = ctx.json && !ctx.io.stderrIsTerminal ? null : createProgressReporter({
    write: ctx.io.errRaw,
    tty: ctx.io.stderrIsTerminal,
    now: ctx.now,
    startedAt,
    format: formatProgress,
  });
  let run;
  try {
    run = await waitForRun(ctx.client, submitted.runId, {
      onUpdate: (r) => progress?.update(r),
      intervalMs: ctx.pollMs,
      sleep: ctx.sleep,
    });
  } finally {
    progress?.end();
  }
  if (ctx.json) printJson(ctx, run);
  else ctx.io.out(formatRunSummary(run, ctx.now() - startedAt));
  if (run.state === "failed") {
    ctx.io.err(`error: ${describeRunFailure(run)}`);
    return EXIT.runFailed;
  }
  return EXIT.ok;
}
