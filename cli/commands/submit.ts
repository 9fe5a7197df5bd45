/** `drover submit FAMILY [--param NAME=VALUE]... [--pin LABEL=VALUE]... [--wait]`. */
import type { Command } from "../command.ts";
import { coerceParams } from "../coerce_params.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { fetchFamily } from "../fetch_family.ts";
import { followRun } from "../follow_run.ts";

/** Submits a run; with `--wait`, follows it and exits 1 when it fails. */
export async function submitCommand(
  command: Extract<Command, { name: "submit" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const family = await fetchFamily(ctx.client, command.family);
  const params = coerceParams(family.name, family.paramsSchema, command.params);
  // The version pins the submission to the schema the params were converted with.
  const submitted = await ctx.client.submitRun({
    family: family.name,
    version: family.version,
    params,
    ...(command.priority !== null ? { priority: command.priority } : {}),
    ...(command.pin !== null ? { pin: command.pin } : {}),
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
  return await followRun(ctx, submitted.runId);
}
