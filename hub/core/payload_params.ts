/**
 * Parameters taken from a JSON payload (a webhook's delivery, a stream
 * message): fixed ones, and ones at JSON pointers. Shared by hooks and
 * triggers, so that both map payloads the same documented way.
 */
import type { RegisteredFamily } from "./family_registry.ts";
import { resolvePointer } from "./json_pointer.ts";
import { RequestError } from "./request_error.ts";

/** 400 when `params` or `mapping` name a parameter the family does not have. */
export function checkParamNames(
  family: RegisteredFamily,
  params: Record<string, unknown>,
  mapping: Record<string, string>,
): void {
  const props = family.paramsSchema.properties;
  if (!props || typeof props !== "object") return;
  const known = Object.keys(props);
  for (const [where, names] of [["params", params], ["mapping", mapping]] as const) {
    const unknown = Object.keys(names).find((n) => !known.includes(n));
    if (unknown) {
      throw new RequestError(
        400,
        "invalid_params",
        `Unknown parameter "${unknown}" for ${family.name} (known: ${known.join(", ") || "none"})`,
        { field: `${where}.${unknown}` },
      );
    }
  }
}

/** Parses `data` as UTF-8 JSON; a 400 `invalid_json` naming `what` when it is not. */
export function parsePayload(data: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    throw new RequestError(400, "invalid_json", `${what} is not JSON (UTF-8)`);
  }
}

/**
 * The fixed parameters (JSON) with the payload's values at the mapping's
 * pointers; a 400 `payload_missing_field` when the payload has nothing at one.
 */
export function paramsFromPayload(
  stored: { family: string; params: string; mapping: string },
  payload: unknown,
): Record<string, unknown> {
  const params: Record<string, unknown> = JSON.parse(stored.params);
  for (
    const [param, pointer] of Object.entries(JSON.parse(stored.mapping) as Record<string, string>)
  ) {
    const value = resolvePointer(payload, pointer);
    if (value === undefined) {
      throw new RequestError(
        400,
        "payload_missing_field",
        `The payload has nothing at ${pointer} (parameter "${param}" of ${stored.family})`,
        { field: pointer },
      );
    }
    params[param] = value;
  }
  return params;
}

/** The idempotency key at `pointer` in `payload`: a string or number of at most 200 characters. */
export function keyAt(payload: unknown, pointer: string): string | null {
  const value = resolvePointer(payload, pointer);
  const key = typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
  return key && key.length <= 200 ? key : null;
}
