/** `drover hook create|list|delete`. */
import type { Hook } from "../../shared/api_schemas_hooks.ts";
import { formatTable } from "../../shared/text_table.ts";
import type { Command } from "../command.ts";
import { coerceParams } from "../coerce_params.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { fetchFamily } from "../fetch_family.ts";

/** Runs one hook action. */
export async function hookCommand(
  command: Extract<Command, { name: "hook" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const api = ctx.client.hooks;
  if (command.action === "list") {
    const hooks = await api.list();
    if (ctx.json) printJson(ctx, { hooks });
    else ctx.io.out(formatHooks(hooks));
    return EXIT.ok;
  }
  const name = command.hookName!;
  if (command.action === "delete") {
    await api.delete(name);
    if (ctx.json) printJson(ctx, { name, deleted: true });
    else ctx.io.out(`Deleted hook ${name}: its deliveries are refused from now on; its runs stay`);
    return EXIT.ok;
  }
  const d = command.draft!;
  const family = await fetchFamily(ctx.client, d.family);
  const params = coerceParams(family.name, family.paramsSchema, d.params, Object.keys(d.mapping));
  const created = await api.create({
    name,
    family: family.name,
    params,
    mapping: d.mapping,
    ...(d.idempotencyKey ? { idempotencyKey: d.idempotencyKey } : {}),
    ...(d.secret !== null ? { secret: d.secret } : {}),
    ...(d.priority !== null ? { priority: d.priority } : {}),
  });
  if (ctx.json) {
    printJson(ctx, created);
    return EXIT.ok;
  }
  ctx.io.out(`Created hook ${name}: POST ${ctx.client.baseUrl}${created.url}`);
  ctx.io.out(`Secret (shown once): ${created.secret}`);
  ctx.io.out(
    "Sign each delivery: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body with the secret>",
  );
  return EXIT.ok;
}

/** The hooks as a table, or a line saying there are none. */
export function formatHooks(hooks: readonly Hook[]): string {
  if (hooks.length === 0) {
    return "No hooks. Create one with: drover hook create NAME FAMILY --map PARAM=/POINTER";
  }
  return formatTable(
    ["NAME", "FAMILY", "MAPPING", "KEY", "URL"],
    hooks.map((h) => [
      h.name,
      h.family + (h.version === null ? "" : `@${h.version}`),
      Object.entries(h.mapping).map(([p, ptr]) => `${p}=${ptr}`).join(" ") || "-",
      "header" in h.idempotencyKey
        ? `header ${h.idempotencyKey.header}`
        : `field ${h.idempotencyKey.field}`,
      h.url,
    ]),
  );
}
