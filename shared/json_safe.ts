/**
 * Log fields as plain JSON: whatever task code passes (cycles, BigInts,
 * errors, maps, getters that throw) becomes a value `JSON.stringify` writes
 * without throwing and that reads back the same.
 *
 * @module
 */

/** How deep nested objects are copied; deeper ones are summarised. */
const MAX_DEPTH = 8;
/** Most keys or items copied from one object or array. */
const MAX_ENTRIES = 1_000;

/**
 * A JSON-safe copy of `value`: cycles become `"[Circular]"`, BigInts and
 * symbols strings, errors `{ name, message }`, dates ISO strings, maps
 * objects, sets arrays, functions and `undefined` are left out (as JSON
 * does), and anything that throws when read becomes `"[unreadable]"`.
 *
 * @example
 * ```ts
 * import { toJsonSafe } from "./json_safe.ts";
 * const fields: Record<string, unknown> = { n: 10n };
 * fields.self = fields;
 * console.assert(JSON.stringify(toJsonSafe(fields)) === '{"n":"10","self":"[Circular]"}');
 * ```
 */
export function toJsonSafe(value: unknown): unknown {
  return copy(value, 0, new Set());
}

function copy(value: unknown, depth: number, seen: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    case "symbol":
      return value.toString();
    case "undefined":
    case "function":
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  try {
    seen.add(object);
    return copyObject(object, depth, seen);
  } catch {
    return "[unreadable]";
  } finally {
    seen.delete(object);
  }
}

function copyObject(object: object, depth: number, seen: Set<object>): unknown {
  if (object instanceof Error) return { name: object.name, message: object.message };
  if (object instanceof Date) {
    return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  }
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    return `[${object.constructor.name} of ${object.byteLength} bytes]`;
  }
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? "[Array]" : "[Object]";
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
    return copy((object as { toJSON(): unknown }).toJSON(), depth + 1, seen);
  }
  if (Array.isArray(object) || object instanceof Set) {
    const items = [...object].slice(0, MAX_ENTRIES);
    return items.map((item) => copy(item, depth + 1, seen) ?? null);
  }
  const entries = object instanceof Map
    ? [...object].map(([k, v]) => [String(k), v] as const)
    : Object.keys(object).map((k) => [k, readProperty(object, k)] as const);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, MAX_ENTRIES)) {
    const copied = copy(item, depth + 1, seen);
    if (copied !== undefined) out[key] = copied;
  }
  return out;
}

function readProperty(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return "[unreadable]";
  }
}
