/** `drover workers`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../../shared/text_table.ts";
import { formatAge } from "../format_time.ts";

/** Lists the workers the hub has seen, connected ones first. */
export async function workersCommand(
  _command: Extract<Command, { name: "workers" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const workers = await ctx.client.listWorkers();
  if (ctx.json) {
    printJson(ctx, { workers });
    return EXIT.ok;
  }
  if (workers.length === 0) {
    ctx.io.out("No worker has connected yet.");
    return EXIT.ok;
  }
  const now = ctx.hubNow();
  ctx.io.out(formatTable(
    ["NAME", "ID", "STATE", "LEASES", "SLOTS", "LABELS", "VERSION", "LAST SEEN"],
    workers.map((w) => [
      w.name,
      w.id,
      w.draining ? `${w.state}, draining` : w.cordoned ? `${w.state}, cordoned` : w.state,
      String(w.leases),
      String(w.slots),
      Object.entries(w.labels).map(([k, v]) => `${k}=${v}`).join(",") || "-",
      w.version,
      formatAge(w.lastSeenAt, now),
    ]),
  ));
  return EXIT.ok;
}
