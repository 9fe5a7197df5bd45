/** `drover trigger …`'s arguments and options (see `args.ts`). */
import { parseDuration } from "../shared/duration.ts";
import type { Command } from "./command.ts";
import { findCommand } from "./command_specs.ts";
import { UsageError } from "./errors.ts";
import { parseChoice, parseInteger, parseMapping, parsePointer } from "./option_values.ts";

const ACTIONS = ["create", "list", "show", "pause", "resume", "delete"] as const;
/** The options only `trigger create` takes: all of the grammar's but `--reason`. */
const CREATE_ONLY = findCommand("trigger")!.options.filter((o) => o !== "reason");

/** Parses `trigger ACTION [NAME [FAMILY]]` and its options. */
export function triggerCommand(args: string[], values: Map<string, string[]>): Command {
  const [action, ...rest] = args;
  const act = parseChoice("Trigger action", action ?? null, ACTIONS);
  if (act === null) throw new UsageError(`Missing the trigger action; use ${ACTIONS.join(", ")}`);
  const wants = act === "list" ? 0 : act === "create" ? 2 : 1;
  if (rest.length < wants) {
    throw new UsageError(
      `Missing ${rest.length === 0 ? "NAME" : "FAMILY"} for "trigger ${act}"; usage: drover ` +
        (act === "create"
          ? "trigger create NAME FAMILY --jetstream STREAM --server HOST:PORT --map PARAM=/POINTER"
          : `trigger ${act} NAME`),
    );
  }
  if (rest.length > wants) {
    throw new UsageError(`Unexpected argument "${rest[wants]}" for "trigger ${act}"`);
  }
  const stray = act === "create" ? undefined : CREATE_ONLY.find((o) => values.has(o));
  if (stray) throw new UsageError(`Option "--${stray}" applies to "trigger create" only`);
  if (values.has("reason") && act !== "pause") {
    throw new UsageError('Option "--reason" applies to "trigger pause" only');
  }
  const reason = values.get("reason")?.[0] ?? null;
  if (act !== "create") {
    return { name: "trigger", action: act, triggerName: rest[0] ?? null, draft: null, reason };
  }
  const one = (option: string) => values.get(option)?.[0] ?? null;
  const stream = one("jetstream");
  const servers = values.get("server") ?? [];
  if (stream === null || servers.length === 0) {
    throw new UsageError(
      `"trigger create" needs ${stream === null ? "--jetstream STREAM" : "--server HOST:PORT"} ` +
        "(the JetStream stream to read, and a NATS server of it)",
    );
  }
  const ackWait = one("ack-wait");
  const ackWaitMs = ackWait === null ? null : parseDuration(ackWait);
  if (ackWaitMs === null && ackWait !== null) {
    throw new UsageError(
      `Option "--ack-wait" takes a duration such as 30s or 5m, not "${ackWait}"`,
    );
  }
  const source = {
    kind: "jetstream",
    servers,
    auth: natsAuth(one("nats-auth")),
    stream,
    subject: one("subject"),
    durable: one("durable"),
    deliver: parseChoice('Option "--deliver"', one("deliver"), ["new", "all"] as const),
    ackWaitMs,
    batch: parseInteger("--batch", one("batch"), 1, 1_000),
  };
  return {
    name: "trigger",
    action: act,
    triggerName: rest[0]!,
    reason,
    draft: {
      family: rest[1]!,
      source: Object.fromEntries(Object.entries(source).filter(([, v]) => v !== null)),
      params: values.get("param") ?? [],
      mapping: parseMapping(values.get("map") ?? []),
      keyField: parsePointer("--key-field", one("key-field")),
      priority: parseInteger("--priority", one("priority"), -1_000_000, 1_000_000),
      paused: values.has("paused"),
    },
  };
}

/** `--nats-auth token:ENV | user:NAME:ENV | creds:FILE`, as the API takes it. */
function natsAuth(text: string | null): Record<string, string> | null {
  if (text === null) return null;
  const [kind, ...rest] = text.split(":");
  if (kind === "token" && rest.length === 1 && rest[0]) return { kind, env: rest[0] };
  if (kind === "user" && rest.length === 2 && rest[0] && rest[1]) {
    return { kind, user: rest[0], passwordEnv: rest[1] };
  }
  if (kind === "creds" && rest.length >= 1 && rest.join(":")) {
    return { kind, file: rest.join(":") };
  }
  throw new UsageError(
    `Option "--nats-auth" takes token:ENV, user:NAME:ENV or creds:FILE, not "${text}"`,
  );
}
