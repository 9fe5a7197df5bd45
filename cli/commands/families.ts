/** `drover families`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../../shared/text_table.ts";
import { formatDuration } from "../format_time.ts";

/** Lists the registered task families with their parameters and retry policy. */
export async function familiesCommand(
  _command: Extract<Command, { name: "families" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const families = await ctx.client.listFamilies();
  if (ctx.json) {
    printJson(ctx, { families });
    return EXIT.ok;
  }
  if (families.length === 0) {
    ctx.io.out("No task family is registered: no worker has connected yet.");
    return EXIT.ok;
  }
  ctx.io.out(formatTable(
    ["FAMILY", "VERSION", "PARAMS", "RETRY", "DESCRIPTION"],
    families.map((f) => [
      f.codeConflict ? `${f.name} (CONFLICT)` : f.name,
      String(f.version),
      describeParams(f.paramsSchema),
      `${f.retry.maxAttempts}× from ${formatDuration(f.retry.baseDelayMs)}`,
      f.description ?? "",
    ]),
  ));
  // Workers running different code under one name: say so where the list is read.
  for (const f of families) {
    if (f.codeConflict) ctx.io.out(`\nCONFLICT: ${f.codeConflict.message}`);
  }
  return EXIT.ok;
}

/** `shardId:integer totalShards:integer label?:string` from a params JSON Schema. */
export function describeParams(schema: Record<string, unknown>): string {
  const { properties, required } = schema;
  if (!isRecord(properties)) return "-";
  const needed = new Set(Array.isArray(required) ? required : []);
  const parts = Object.entries(properties).map(([name, node]) => {
    const type = isRecord(node) ? typeName(node) : "";
    return `${name}${needed.has(name) ? "" : "?"}${type ? `:${type}` : ""}`;
  });
  return parts.join(" ") || "-";
}

function typeName(node: Record<string, unknown>): string {
  const { type, anyOf, oneOf } = node;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.join("|");
  const branches = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : [];
  return branches.map((b) => (isRecord(b) ? typeName(b) : "")).filter(Boolean).join("|");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
