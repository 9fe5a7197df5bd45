/**
 * Serialises a JSON value with object keys sorted at every depth, so equal
 * values always give equal strings (and so equal task ids).
 *
 * Throws `TypeError` for what JSON cannot carry faithfully: `undefined` inside
 * arrays, non-finite numbers, functions, symbols, bigints, class instances.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./canonical_json.ts";
 * console.assert(canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] }) === '{"a":[2,{"c":0,"d":1}],"b":1}');
 * ```
 */
export function canonicalJson(value: unknown): string {
  return encode(value, "$");
}

function encode(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`Cannot serialise ${value} at ${path}: not a finite number`);
      }
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        // Array.from visits holes (as undefined), so a sparse array throws too.
        return `[${Array.from(value, (v, i) => encode(v, `${path}[${i}]`)).join(",")}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(
          `Cannot serialise ${proto?.constructor?.name ?? "object"} at ${path}: ` +
            "task parameters must be plain JSON (use strings for dates)",
        );
      }
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${
        entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, `${path}.${k}`)}`).join(",")
      }}`;
    }
    default:
      throw new TypeError(`Cannot serialise a ${typeof value} at ${path}`);
  }
}
