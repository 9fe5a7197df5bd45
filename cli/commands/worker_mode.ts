/** `drover cordon|uncordon|drain WORKER`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { HubError, UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

const DONE = {
  cordon: "cordoned: it takes no new leases",
  uncordon: "uncordoned: it takes leases again",
  drain: "draining: no new leases; it disconnects for good once its running tasks finish",
} as const;

/**
 * Cordons, uncordons or drains a worker given by id or by name: the hub
 * finds it (a connected one first). A name no worker has, or several share,
 * is the command line's mistake: a usage error (exit 2) saying so.
 */
export async function workerModeCommand(
  command: Extract<Command, { name: "cordon" | "uncordon" | "drain" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const result = await ctx.client.setWorkerMode(command.worker, command.name).catch((error) => {
    if (!(error instanceof HubError)) throw error;
    if (error.code === "worker_not_found") {
      throw new UsageError(`No worker is named "${command.worker}" (see drover workers)`, {
        cause: error,
      });
    }
    if (error.code === "worker_ambiguous") throw new UsageError(error.message, { cause: error });
    throw error;
  });
  if (ctx.json) printJson(ctx, result);
  else ctx.io.out(`Worker ${result.workerId} ${DONE[command.name]}`);
  return EXIT.ok;
}
