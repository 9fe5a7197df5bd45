/** `drover hook …`'s arguments and options (see `args.ts`). */
import type { Command } from "./command.ts";
import { findCommand } from "./command_specs.ts";
import { UsageError } from "./errors.ts";
import { parseChoice, parseInteger, parseMapping, parsePointer } from "./option_values.ts";

const ACTIONS = ["create", "list", "delete"] as const;
/** The options only `hook create` takes: all of the grammar's but `--reason`. */
const CREATE_ONLY = findCommand("hook")!.options.filter((o) => o !== "reason");

/** Parses `hook ACTION [NAME [FAMILY]]` and its options. */
export function hookCommand(args: string[], values: Map<string, string[]>): Command {
  const [action, ...rest] = args;
  const act = parseChoice("Hook action", action ?? null, ACTIONS);
  if (act === null) throw new UsageError(`Missing the hook action; use ${ACTIONS.join(", ")}`);
  const wants = act === "list" ? 0 : act === "create" ? 2 : 1;
  if (rest.length < wants) {
    throw new UsageError(
      `Missing ${rest.length === 0 ? "NAME" : "FAMILY"} for "hook ${act}"; usage: drover hook ` +
        (act === "create" ? "create NAME FAMILY --map PARAM=/POINTER" : `${act} NAME`),
    );
  }
  if (rest.length > wants) {
    throw new UsageError(`Unexpected argument "${rest[wants]}" for "hook ${act}"`);
  }
  const stray = act === "create" ? undefined : CREATE_ONLY.find((o) => values.has(o));
  if (stray) throw new UsageError(`Option "--${stray}" applies to "hook create" only`);
  if (act !== "create") {
    return { name: "hook", action: act, hookName: rest[0] ?? null, draft: null };
  }
  const one = (option: string) => values.get(option)?.[0] ?? null;
  const mapping = parseMapping(values.get("map") ?? []);
  const header = one("key-header");
  const field = parsePointer("--key-field", one("key-field"));
  if (header !== null && field !== null) {
    throw new UsageError('Give "--key-header" or "--key-field", not both');
  }
  return {
    name: "hook",
    action: act,
    hookName: rest[0]!,
    draft: {
      family: rest[1]!,
      params: values.get("param") ?? [],
      mapping,
      idempotencyKey: header !== null ? { header } : field !== null ? { field } : null,
      secret: one("secret"),
      priority: parseInteger("--priority", one("priority"), -1_000_000, 1_000_000),
    },
  };
}
