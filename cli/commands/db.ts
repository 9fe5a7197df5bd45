/** `drover db backup FILE`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

/** Has the hub copy its database to FILE, and says how big and how long. */
export async function dbCommand(
  command: Extract<Command, { name: "db" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const backup = await ctx.client.backup(command.file);
  if (ctx.json) printJson(ctx, backup);
  else {
    ctx.io.out(
      `Backed up to ${backup.path} on the hub's machine: ${backup.bytes} bytes in ${backup.ms} ms`,
    );
  }
  return EXIT.ok;
}
