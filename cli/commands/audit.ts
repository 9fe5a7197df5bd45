/** `drover audit [--action A] [--actor ID_OR_NAME] [--target ID] [--limit N] [--cursor C]`. */
import type { AuditEntry } from "../../shared/api_schemas_admin.ts";
import type { Command } from "../command.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { formatNextPage } from "../format_next_page.ts";
import { formatTable } from "../../shared/text_table.ts";
import { formatTimestamp } from "../format_time.ts";

/** Shows a page of the audit log, newest first, and how to show the next page. */
export async function auditCommand(
  command: Extract<Command, { name: "audit" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const page = await ctx.client.listAudit(command);
  if (ctx.json) {
    printJson(ctx, page);
    return EXIT.ok;
  }
  ctx.io.out(formatAudit(page.entries));
  if (page.next !== null) {
    const { action, actor, target, limit } = command;
    ctx.io.out(formatNextPage("audit", { action, actor, target, limit }, page.next));
  }
  return EXIT.ok;
}

/** Audit entries as a table: TIME ACTOR ROLE ACTION TARGET OUTCOME DETAIL. */
export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return "No audit entries match.";
  return formatTable(
    ["TIME", "ACTOR", "ROLE", "ACTION", "TARGET", "OUTCOME", "DETAIL"],
    entries.map((e) => [
      formatTimestamp(e.at),
      e.actor ?? e.tokenId ?? "-",
      e.role ?? "-",
      e.action,
      e.target ?? "-",
      e.outcome === "ok" ? e.outcome : `${e.outcome} (${e.status})`,
      describeDetail(e.detail),
    ]),
  );
}

/** `reason="loaded by hand" cancelled=3`: an entry's detail on one line. */
export function describeDetail(detail: AuditEntry["detail"]): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === "number" ? value : JSON.stringify(value)}`)
    .join(" ");
}
