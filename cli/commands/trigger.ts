/** `drover trigger create|list|show|pause|resume|delete`. */
import type { Trigger } from "../../shared/api_schemas_triggers.ts";
import { formatFields, formatTable } from "../../shared/text_table.ts";
import type { Command } from "../command.ts";
import { coerceParams } from "../coerce_params.ts";
import { type CommandContext, printJson } from "../command_context.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { fetchFamily } from "../fetch_family.ts";
import { formatTimestamp } from "../format_time.ts";

/** Runs one trigger action. */
export async function triggerCommand(
  command: Extract<Command, { name: "trigger" }>,
  ctx: CommandContext,
): Promise<ExitCode> {
  const api = ctx.client.triggers;
  const name = command.triggerName!;
  const say = (trigger: Trigger, line: string) => {
    if (ctx.json) printJson(ctx, trigger);
    else ctx.io.out(line);
  };
  switch (command.action) {
    case "list": {
      const triggers = await api.list();
      if (ctx.json) printJson(ctx, { triggers });
      else ctx.io.out(formatTriggers(triggers));
      return EXIT.ok;
    }
    case "show": {
      const trigger = await api.get(name);
      say(trigger, formatTrigger(trigger));
      return EXIT.ok;
    }
    case "create": {
      const d = command.draft!;
      const family = await fetchFamily(ctx.client, d.family);
      const params = coerceParams(
        family.name,
        family.paramsSchema,
        d.params,
        Object.keys(d.mapping),
      );
      const trigger = await api.create({
        name,
        source: d.source,
        family: family.name,
        params,
        mapping: d.mapping,
        ...(d.keyField !== null ? { keyField: d.keyField } : {}),
        ...(d.priority !== null ? { priority: d.priority } : {}),
        paused: d.paused,
      });
      say(
        trigger,
        `Created trigger ${name}: ${where(trigger)} → ${trigger.family}` +
          (d.paused ? ` (paused: "drover trigger resume ${name}" starts it)` : ""),
      );
      return EXIT.ok;
    }
    case "pause": {
      const trigger = await api.pause(name, command.reason);
      say(
        trigger,
        `Paused trigger ${name}: its messages wait on the broker until ` +
          `"drover trigger resume ${name}"`,
      );
      return EXIT.ok;
    }
    case "resume": {
      const trigger = await api.resume(name);
      say(trigger, `Resumed trigger ${name}: consuming from the first message not acknowledged`);
      return EXIT.ok;
    }
    case "delete": {
      await api.delete(name);
      if (ctx.json) printJson(ctx, { name, deleted: true });
      else ctx.io.out(`Deleted trigger ${name}; its runs stay`);
      return EXIT.ok;
    }
  }
}

/** The triggers as a table, or a line saying there are none. */
export function formatTriggers(triggers: readonly Trigger[]): string {
  if (triggers.length === 0) {
    return "No triggers. Create one with: drover trigger create NAME FAMILY --jetstream STREAM " +
      "--server HOST:PORT --map PARAM=/POINTER";
  }
  return formatTable(
    ["NAME", "SOURCE", "FAMILY", "MAPPING", "STATE", "LAG", "RUNS"],
    triggers.map((t) => [
      t.name,
      where(t),
      t.family + (t.version === null ? "" : `@${t.version}`),
      mapping(t),
      t.status.state,
      t.status.pending === null ? "-" : String(t.status.pending),
      String(t.status.accepted),
    ]),
  );
}

/** One trigger, a fact a line. */
export function formatTrigger(t: Trigger): string {
  const s = t.status;
  const source = t.source as { servers?: string[]; durable?: string; deliver?: string };
  const rows: Array<[string, string]> = [
    ["Trigger", `${t.name} (${t.id})`],
    ["Source", `${where(t)} on ${source.servers?.join(", ") ?? "?"}`],
    [
      "Consumer",
      `${source.durable ?? `drover-${t.name.replaceAll(".", "_")}`} (new consumers ` +
      `start at ${source.deliver === "all" ? "the stream's first message" : "new messages"})`,
    ],
    ["Family", t.family + (t.version === null ? " (newest version)" : ` version ${t.version}`)],
    ["Parameters", JSON.stringify(t.params)],
    ["Mapping", mapping(t)],
    ["Key", t.keyField === null ? "the message's id (stream sequence)" : `field ${t.keyField}`],
    [
      "State",
      t.paused
        ? `paused since ${formatTimestamp(t.paused.at)}: ${t.paused.reason ?? "-"}`
        : s.state + (s.error ? `: ${s.error}` : ""),
    ],
    ["Lag", s.pending === null ? "not measured yet" : `${s.pending} message(s) not yet delivered`],
    [
      "On this hub",
      `${s.accepted} run(s) made, ${s.duplicates} redelivered message(s) found theirs, ` +
      `${s.rejected} rejected` +
      (s.lastMessageAt === null ? "" : `; last message ${formatTimestamp(s.lastMessageAt)}`),
    ],
  ];
  return formatFields(rows);
}

function where(t: Trigger): string {
  const s = t.source as { kind: string; stream?: string; subject?: string };
  return s.kind === "jetstream"
    ? `jetstream ${s.stream}${s.subject ? ` ${s.subject}` : ""}`
    : s.kind;
}

function mapping(t: Trigger): string {
  return Object.entries(t.mapping).map(([p, ptr]) => `${p}=${ptr}`).join(" ") || "-";
}
