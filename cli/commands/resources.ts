/** `drover resources [set NAME LIMIT]`. */
import type { Resource } from "../../shared/api_schemas_admin.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../../shared/text_table.ts";

/** Lists the global resources with their limits and use, or sets one's limit. */
export async function resourcesCommand(
  command: Extract<Command, { name: "resources" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  if (command.set !== null) {
    const result = await ctx.client.setResourceLimit(command.set.name, command.set.limit);
    if (ctx.json) printJson(ctx, result);
    else ctx.io.out(`Resource ${result.name}: limit set to ${result.limit}`);
    return EXIT.ok;
  }
  const resources = await ctx.client.listResources();
  if (ctx.json) printJson(ctx, { resources });
  else ctx.io.out(formatResources(resources));
  return EXIT.ok;
}

/** Resources as a table, a default limit marked as such. */
function formatResources(resources: readonly Resource[]): string {
  if (resources.length === 0) {
    return "No resource is limited or used: no family declares one.";
  }
  return formatTable(
    ["RESOURCE", "IN USE", "LIMIT"],
    resources.map((r) => [
      r.name,
      String(r.inUse),
      r.configured ? String(r.limit) : `${r.limit} (default)`,
    ]),
  );
}
