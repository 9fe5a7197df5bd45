/** `drover token …`'s arguments and options (see `args.ts`). */
import { TOKEN_ROLES } from "../shared/api_schemas_admin.ts";
import type { Command } from "./command.ts";
import { findCommand, usageLine } from "./command_specs.ts";
import { UsageError } from "./errors.ts";
import { parseChoice, parseScope } from "./option_values.ts";

/** Parses `token create|list|revoke|generate [TOKEN_ID]` and its options. */
export function tokenCommand(args: string[], values: Map<string, string[]>): Command {
  const [action, id = null] = args;
  if (action !== "create" && action !== "list" && action !== "revoke" && action !== "generate") {
    throw new UsageError(
      `Unknown token action "${action}"; use create, list, revoke or generate`,
    );
  }
  if (action === "revoke" && id === null) {
    throw new UsageError('Missing TOKEN_ID for "token revoke"');
  }
  if (action !== "revoke" && id !== null) throw unexpected(id);
  const given = ["role", "scope", "name"].find((o) => values.has(o));
  if (action !== "create" && given) {
    throw new UsageError(`Option "--${given}" applies to "token create" only`);
  }
  const role = parseChoice('Option "--role"', one(values, "role"), TOKEN_ROLES);
  const scope = one(values, "scope");
  if (scope !== null && (role ?? "worker") !== "worker") {
    throw new UsageError(
      `Option "--scope" applies to worker tokens only, not to ${role} tokens`,
    );
  }
  return {
    name: "token",
    action,
    id,
    role,
    scope: scope === null ? null : parseScope(scope),
    tokenName: one(values, "name"),
  };
}

function one(values: Map<string, string[]>, name: string): string | null {
  return values.get(name)?.[0] ?? null;
}

function unexpected(arg: string): UsageError {
  return new UsageError(
    `Unexpected argument "${arg}" for "token"; usage: ${usageLine(findCommand("token")!)}`,
  );
}
