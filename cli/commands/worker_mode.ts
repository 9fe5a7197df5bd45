/** `drover cordon|uncordon|drain WORKER`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

const DONE = {
  cordon: "cordoned: it takes no new leases",
  uncordon: "uncordoned: it takes leases again",
  drain: "draining: no new leases; it disconnects for good once its running tasks finish",
} as const;

/** Cordons, uncordons or drains a worker given by id or by name. */
export async function workerModeCommand(
  command: Extract<Command, { name: "cordon" | "uncordon" | "drain" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  let id = command.worker;
  if (!id.startsWith("w_")) {
    const named = (await ctx.client.listWorkers()).filter((w) => w.name === command.worker);
    const connected = named.filter((w) => w.state === "connected");
    const pick = connected.length === 1 ? connected : named;
    if (pick.length === 0) {
      throw new UsageError(`No worker is named "${command.worker}" (see drover workers)`);
    }
    if (pick.length > 1) {
      throw new UsageError(
        `${pick.length} workers are named "${command.worker}": give an id (${
          pick.map((w) => w.id).join(", ")
        })`,
      );
    }
    id = pick[0]!.id;
  }
  const result = await ctx.client.setWorkerMode(id, command.name);
  if (ctx.json) printJson(ctx, result);
  else ctx.io.out(`Worker ${id} ${DONE[command.name]}`);
  return EXIT.ok;
}
