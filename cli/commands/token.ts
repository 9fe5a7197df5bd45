/** `drover token create|list|revoke`. */
import type { Command } from "../args.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatTable } from "../format_table.ts";

/** Parses `region=eu-west,zone=b` into a label scope. */
export function parseScope(text: string | null): Record<string, string> {
  const scope: Record<string, string> = {};
  for (const part of (text ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) {
      throw new UsageError(`Invalid --scope "${part}": expected name=value, e.g. region=eu-west`);
    }
    scope[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return scope;
}

/** Creates, lists or revokes tokens. */
export async function tokenCommand(
  command: Extract<Command, { name: "token" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const describe = (scope: Record<string, string>) =>
    Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(",") || "-";
  if (command.action === "create") {
    const role = command.role ?? "worker";
    const scope = parseScope(command.scope);
    const created = await ctx.client.createToken({
      role,
      scope,
      ...(command.tokenName ? { name: command.tokenName } : {}),
    });
    if (ctx.json) {
      printJson(ctx, created);
    } else {
      ctx.io.out(created.token);
      ctx.io.err(
        `Created ${created.role} token ${created.id} (scope ${describe(created.scope)}). ` +
          "It is shown only now: give it to the worker as DROVER_WORKER_TOKEN.",
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
    ["ID", "ROLE", "SCOPE", "NAME", "CREATED", "REVOKED"],
    tokens.map((t) => [
      t.id,
      t.role,
      describe(t.scope),
      t.name,
      new Date(t.createdAt).toISOString(),
      t.revokedAt ? new Date(t.revokedAt).toISOString() : "-",
    ]),
  ));
  return EXIT.ok;
}
