/** `drover token create|list|revoke|generate`. */
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../../shared/text_table.ts";
import { formatTimestamp } from "../format_time.ts";
import { generateToken } from "../../shared/token_format.ts";
import type { Io } from "../io.ts";

/**
 * `token generate`: prints a fresh token without asking the hub, e.g. to set
 * as `DROVER_ADMIN_TOKEN` before the hub first starts.
 */
export function generateTokenCommand(io: Io, json: boolean): ExitCode {
  const { token } = generateToken();
  if (json) io.out(JSON.stringify({ token }, null, 2));
  else io.out(token);
  return EXIT.ok;
}

/** Creates, lists or revokes tokens (`generate` is {@link generateTokenCommand}). */
export async function tokenCommand(
  command: Extract<Command, { name: "token" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const describe = (scope: Record<string, string>) =>
    Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(",") || "-";
  if (command.action === "generate") return generateTokenCommand(ctx.io, ctx.json);
  if (command.action === "create") {
    const role = command.role ?? "worker";
    const created = await ctx.client.createToken({
      role,
      ...(role === "worker" ? { scope: command.scope ?? {} } : {}),
      ...(command.tokenName ? { name: command.tokenName } : {}),
    });
    if (ctx.json) {
      printJson(ctx, created);
    } else {
      ctx.io.out(created.token);
      const scope = created.role === "worker" ? ` (scope ${describe(created.scope)})` : "";
      const use = created.role === "worker"
        ? "give it to the worker as DROVER_WORKER_TOKEN"
        : "use it as DROVER_TOKEN or --token";
      ctx.io.err(
        `Created ${created.role} token ${created.id}${scope}. It is shown only now: ${use}.`,
      );
    }
    return EXIT.ok;
  }
  if (command.action === "revoke") {
    const result = await ctx.client.revokeToken(command.id!);
    if (ctx.json) printJson(ctx, result);
    else ctx.io.out(`Revoked ${result.id}; ${result.sessionsClosed} session(s) closed on this hub`);
    return EXIT.ok;
  }
  const tokens = await ctx.client.listTokens();
  if (ctx.json) {
    printJson(ctx, { tokens });
    return EXIT.ok;
  }
  ctx.io.out(formatTable(
    ["ID", "ROLE", "SCOPE", "NAME", "CREATED", "LAST USED", "REVOKED"],
    tokens.map((t) => [
      t.id,
      t.role,
      describe(t.scope),
      t.name || "-",
      formatTimestamp(t.createdAt),
      formatTimestamp(t.lastUsedAt),
      formatTimestamp(t.revokedAt),
    ]),
  ));
  return EXIT.ok;
}
