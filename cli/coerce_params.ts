/**
 * Turns `--param NAME=VALUE` strings into typed parameters, guided by the
 * family's parameter JSON Schema (draft 2020-12, as the hub serves it). Only
 * types are decided here; the hub still validates ranges, patterns and enums.
 */
import { z } from "zod";
import { UsageError } from "./errors.ts";

/** The JSON types a schema node can admit. */
type JsonType = "null" | "boolean" | "integer" | "number" | "array" | "object" | "string";

/** The order in which a value is tried against a node that admits several types. */
const TRY_ORDER: readonly JsonType[] = [
  "null",
  "boolean",
  "integer",
  "number",
  "array",
  "object",
  "string",
];

const SCALARS: readonly JsonType[] = ["boolean", "integer", "number", "string"];

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The parts of a JSON Schema node that coercion reads; anything else is ignored. */
const schemaNode = z.looseObject({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  // Kept as the very object the hub sent: a rebuilt record would drop a "__proto__" key.
  properties: z.custom<Record<string, unknown>>(isRecord).optional(),
  required: z.array(z.string()).optional(),
  items: z.unknown().optional(),
  anyOf: z.array(z.unknown()).optional(),
  oneOf: z.array(z.unknown()).optional(),
  enum: z.array(z.unknown()).optional(),
  const: z.unknown().optional(),
});

type SchemaNode = z.output<typeof schemaNode>;

type Attempt = { ok: true; value: unknown } | { ok: false; why?: string };

/**
 * Parses `NAME=VALUE` pairs into a params object for `family`:
 * integer/number → number, boolean → `true`/`false`, array/object → JSON
 * (an array of scalars also as a comma-separated list), string → as is,
 * no type → JSON when it parses, else the string. Unknown, repeated,
 * malformed and missing required parameters throw a {@link UsageError}.
 *
 * @example
 * ```ts
 * import { coerceParams } from "./coerce_params.ts";
 * const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
 * coerceParams("Shards", schema, ["n=3"]); // { n: 3 }
 * ```
 */
export function coerceParams(
  family: string,
  paramsSchema: unknown,
  pairs: readonly string[],
  /** Parameters set elsewhere (a schedule's from its times): not missing. */
  setElsewhere: readonly string[] = [],
): Record<string, unknown> {
  const root = readNode(paramsSchema);
  const properties = root.properties ?? null;
  const raws = new Map<string, string>();
  const values = new Map<string, unknown>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(`Invalid --param "${pair}": write it as NAME=VALUE`);
    }
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const previous = raws.get(name);
    if (previous !== undefined) {
      throw new UsageError(
        `Parameter "${name}" is given twice ("${previous}" and "${raw}"); give it once`,
      );
    }
    if (properties && !Object.hasOwn(properties, name)) {
      const known = Object.keys(properties);
      throw new UsageError(
        `Unknown parameter "${name}" for ${family} (known: ${known.join(", ") || "none"})`,
      );
    }
    raws.set(name, raw);
    const node = properties ? readNode(properties[name]) : {};
    const types = typesOf(node);
    const attempt = coerceValue(raw, node, types);
    if (!attempt.ok) {
      throw new UsageError(
        `Invalid parameter "${name}" for ${family}: expected ${describe(node, types)}, got ${
          JSON.stringify(raw)
        }${attempt.why ? ` (${attempt.why})` : ""}`,
      );
    }
    values.set(name, attempt.value);
  }
  const missing = (root.required ?? []).filter((name) =>
    !values.has(name) && !setElsewhere.includes(name)
  );
  if (missing.length > 0) {
    throw new UsageError(
      `Missing parameter${missing.length > 1 ? "s" : ""} for ${family}: ${
        missing.map((name) => `--param ${name}=...`).join(" ")
      }`,
    );
  }
  // fromEntries defines own properties, so a "__proto__" parameter stays a parameter.
  return Object.fromEntries(values);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readNode(value: unknown): SchemaNode {
  const parsed = schemaNode.safeParse(value);
  return parsed.success ? parsed.data : {};
}

/** Every JSON type a node admits: `type`, the branches of `anyOf`/`oneOf`, `enum`/`const` values. */
function typesOf(node: SchemaNode, depth = 0): JsonType[] {
  const found = new Set<JsonType>();
  const add = (t: unknown) => {
    if (typeof t === "string" && (TRY_ORDER as readonly string[]).includes(t)) {
      found.add(t as JsonType);
    }
  };
  if (Array.isArray(node.type)) node.type.forEach(add);
  else add(node.type);
  if (depth < 5) {
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
      typesOf(readNode(branch), depth + 1).forEach(add);
    }
  }
  const samples = node.enum ?? (node.const !== undefined ? [node.const] : []);
  for (const sample of samples) add(jsonTypeOf(sample));
  return TRY_ORDER.filter((t) => found.has(t));
}

function jsonTypeOf(value: unknown): JsonType | undefined {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "boolean":
    case "string":
    case "object":
      return typeof value as JsonType;
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    default:
      return undefined;
  }
}

function coerceValue(raw: string, node: SchemaNode, types: readonly JsonType[]): Attempt {
  if (types.length === 0) {
    const json = parseJson(raw);
    return { ok: true, value: json.ok ? json.value : raw };
  }
  let why: string | undefined;
  for (const type of types) {
    const attempt = coerceAs(raw, type, node);
    if (attempt.ok) return attempt;
    why ??= attempt.why;
  }
  return { ok: false, why };
}

function coerceAs(raw: string, type: JsonType, node: SchemaNode): Attempt {
  const text = raw.trim();
  switch (type) {
    case "string":
      return { ok: true, value: raw };
    case "null":
      return text === "null" ? { ok: true, value: null } : { ok: false };
    case "boolean": {
      const lower = text.toLowerCase();
      return lower === "true" || lower === "false"
        ? { ok: true, value: lower === "true" }
        : { ok: false };
    }
    case "integer": {
      if (!NUMERIC.test(text)) return { ok: false };
      const n = Number(text);
      if (!Number.isInteger(n)) return { ok: false };
      return Number.isSafeInteger(n)
        ? { ok: true, value: n }
        : { ok: false, why: "beyond the safe integer range" };
    }
    case "number": {
      const n = Number(text);
      return NUMERIC.test(text) && Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
    }
    case "object": {
      if (!text.startsWith("{")) return { ok: false };
      const json = parseJson(text);
      return json.ok ? json : { ok: false, why: json.why };
    }
    case "array": {
      if (text.startsWith("[")) {
        const json = parseJson(text);
        return json.ok ? json : { ok: false, why: json.why };
      }
      const items = readNode(node.items);
      const itemTypes = typesOf(items);
      if (itemTypes.length === 0 || !itemTypes.every((t) => SCALARS.includes(t))) {
        return { ok: false };
      }
      if (text === "") return { ok: true, value: [] };
      const values: unknown[] = [];
      for (const part of raw.split(",")) {
        const item = coerceValue(part.trim(), items, itemTypes);
        if (!item.ok) return { ok: false, why: `item ${JSON.stringify(part.trim())}` };
        values.push(item.value);
      }
      return { ok: true, value: values };
    }
  }
}

function parseJson(text: string): Attempt {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, why: (error as SyntaxError).message };
  }
}

/** "an integer", "true or false", "a JSON array or a comma-separated list of integers". */
function describe(node: SchemaNode, types: readonly JsonType[]): string {
  return types.map((type) => {
    switch (type) {
      case "null":
        return "null";
      case "boolean":
        return "true or false";
      case "integer":
        return "an integer";
      case "number":
        return "a number";
      case "string":
        return "a string";
      case "object":
        return "a JSON object";
      case "array": {
        const itemTypes = typesOf(readNode(node.items));
        const scalar = itemTypes.length > 0 && itemTypes.every((t) => SCALARS.includes(t));
        return scalar
          ? `a JSON array or a comma-separated list of ${itemTypes.map(plural).join(" or ")}`
          : "a JSON array";
      }
    }
  }).join(" or ");
}

function plural(type: JsonType): string {
  return type === "boolean" ? "booleans" : type === "integer" ? "integers" : `${type}s`;
}
