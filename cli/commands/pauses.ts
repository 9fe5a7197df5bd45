/** `drover pause|resume family|region NAME` and `drover pauses`. */
import type { Pause } from "../../shared/api_schemas_admin.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../../shared/text_table.ts";
import { formatAge, formatTimestamp } from "../format_time.ts";

const PAUSED = {
  family: "its tasks get no new leases",
  region: "its workers get no new leases",
} as const;

/** Pauses or resumes a family or region, or lists the pauses in force. */
export async function pausesCommand(
  command: Extract<Command, { name: "pause" | "resume" | "pauses" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  if (command.name === "pauses") {
    const pauses = await ctx.client.listPauses();
    if (ctx.json) printJson(ctx, { pauses });
    else ctx.io.out(formatPauses(pauses, ctx.hubNow()));
    return EXIT.ok;
  }
  const { kind, value } = command;
  const result = command.name === "pause"
    ? await ctx.client.pause(kind, value, command.reason)
    : await ctx.client.resume(kind, value);
  if (ctx.json) {
    printJson(ctx, result);
  } else if (result.paused) {
    ctx.io.out(
      `Paused ${kind} ${value}: ${PAUSED[kind]} until "drover resume ${kind} ${value}"`,
    );
  } else {
    ctx.io.out(`Resumed ${kind} ${value}: leases flow again`);
  }
  return EXIT.ok;
}

/** The pauses as a table, or a line saying there are none. */
export function formatPauses(pauses: readonly Pause[], now: number): string {
  if (pauses.length === 0) return "Nothing is paused.";
  return formatTable(
    ["KIND", "NAME", "SINCE", "BY", "REASON"],
    pauses.map((p) => [
      p.kind,
      p.value,
      `${formatTimestamp(p.createdAt)} (${formatAge(p.createdAt, now)})`,
      p.createdBy ?? "-",
      p.reason ?? "-",
    ]),
  );
}
