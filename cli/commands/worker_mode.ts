/** `drover cordon|uncordon|drain WORKER`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

const DONE = {
  cordon: "cordoned: it takes no new leases",
  uncordon: "uncordoned: it takes leases again",
  drain: "draining: no new leases; it disconnects for good once its running tasks finish",
} as const;

/**
 * Cordons, uncordons or drains a worker given by id or by name: the hub
 * finds it (a connected one first) and refuses a name several workers share.
 */
export async function workerModeCommand(
  command: Extract<Command, { name: "cordon" | "uncordon" | "drain" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const result = await ctx.client.setWorkerMode(command.worker, command.name);
  if (ctx.json) printJson(ctx, result);
  else ctx.io.out(`Worker ${result.workerId} ${DONE[command.name]}`);
  return EXIT.ok;
}
