/** `drover backfill FAMILY --from DATE --to DATE [--param NAME=VALUE]... [--wait]`. */
import type { Command } from "../command.ts";
import { coerceParams } from "../coerce_params.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { fetchFamily } from "../fetch_family.ts";
import {
  describeBackfillFailure,
  formatBackfillProgress,
  formatBackfillSummary,
} from "../format_backfill.ts";
import { progressOnStderr } from "../progress.ts";
import { waitUntilEnded } from "../wait_until_ended.ts";

/** Creates a backfill; with `--wait`, follows it and exits 1 when a day fails. */
export async function backfillCommand(
  command: Extract<Command, { name: "backfill" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const family = await fetchFamily(ctx.client, command.family);
  const params = coerceParams(
    family.name,
    withoutDayRequired(family.paramsSchema, command.paramName),
    command.params,
  );
  const startedAt = ctx.now();
  // The version pins the backfill to the schema the params were converted with.
  const created = await ctx.client.submitBackfill({
    family: family.name,
    version: family.version,
    from: command.from,
    to: command.to,
    ...(command.paramName !== null ? { param: command.paramName } : {}),
    params,
    ...(command.maxConcurrent !== null ? { maxConcurrent: command.maxConcurrent } : {}),
    ...(command.priority !== null ? { priority: command.priority } : {}),
  });
  const what = `Submitted backfill ${created.backfillId} of ${family.name} from ${command.from} ` +
    `to ${command.to}: ${created.days} day${created.days === 1 ? "" : "s"}, ${created.skipped} ` +
    `skipped as already complete, ${created.submitted} started`;
  if (!command.wait) {
    if (ctx.json) {
      printJson(ctx, created);
    } else {
      ctx.io.out(what);
      ctx.io.out(`Follow it at ${ctx.client.baseUrl}/api/backfills/${created.backfillId}`);
    }
    return EXIT.ok;
  }

  if (!ctx.json) ctx.io.out(what);
  const progress = progressOnStderr(ctx, () => ctx.now() - startedAt, formatBackfillProgress);
  let backfill;
  try {
    backfill = await waitUntilEnded(() => ctx.client.getBackfill(created.backfillId), {
      onUpdate: (b) => progress?.update(b),
      intervalMs: ctx.pollMs,
      sleep: ctx.sleep,
    });
  } finally {
    progress?.end();
  }
  if (ctx.json) printJson(ctx, backfill);
  else ctx.io.out(formatBackfillSummary(backfill, ctx.now() - startedAt));
  if (backfill.state === "failed") {
    ctx.io.err(`error: ${describeBackfillFailure(backfill)}`);
    return EXIT.runFailed;
  }
  return EXIT.ok;
}

/**
 * The family's schema with the day parameter no longer required, since the
 * hub fills it in: the one named, else every `"format": "date"` parameter
 * (the hub refuses the backfill when that is not exactly one).
 */
function withoutDayRequired(
  schema: Record<string, unknown>,
  paramName: string | null,
): Record<string, unknown> {
  const props = schema.properties !== null && typeof schema.properties === "object"
    ? schema.properties as Record<string, unknown>
    : {};
  const isDate = (node: unknown) =>
    node !== null && typeof node === "object" && (node as { format?: unknown }).format === "date";
  const day = paramName !== null
    ? [paramName]
    : Object.keys(props).filter((name) => isDate(props[name]));
  if (!Array.isArray(schema.required)) return schema;
  return { ...schema, required: schema.required.filter((name) => !day.includes(name)) };
}
