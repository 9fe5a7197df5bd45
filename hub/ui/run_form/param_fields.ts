/**
 * A family's parameter JSON Schema read as form fields: one typed input per
 * parameter (dates, date-times, numbers with their bounds, enums, booleans,
 * lists, JSON for the rest), its default, whether it is required and what
 * it means. Pure: the form renders these, the tests check them.
 */
import { z } from "zod";

/** How a parameter is entered. */
export type FieldKind =
  | "text"
  | "date"
  | "datetime"
  | "number"
  | "integer"
  | "enum"
  | "boolean"
  | "lines"
  | "json";

/** One parameter as a form field. */
export interface ParamField {
  /** The parameter's name; the input is named `params.<name>`, as the hub names it in errors. */
  name: string;
  kind: FieldKind;
  required: boolean;
  description: string | null;
  /** The default as the input's initial value ("" when none). */
  initial: string;
  /** For `boolean`: checked at first. */
  checked: boolean;
  min?: number;
  max?: number;
  step?: string;
  /** For `enum`: the choices. */
  options?: string[];
  /** For `lines`: how each line is read. */
  item?: "text" | "number" | "integer";
  /** For `text`: a pattern or length the hub checks (shown as a hint). */
  hint?: string;
}

const propertySchema = z.looseObject({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  format: z.string().optional(),
  enum: z.array(z.unknown()).optional(),
  const: z.unknown().optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  exclusiveMinimum: z.number().optional(),
  exclusiveMaximum: z.number().optional(),
  multipleOf: z.number().optional(),
  minLength: z.number().optional(),
  maxLength: z.number().optional(),
  default: z.unknown().optional(),
  description: z.string().optional(),
  items: z.looseObject({ type: z.union([z.string(), z.array(z.string())]).optional() })
    .optional(),
});

const objectSchema = z.looseObject({
  properties: z.record(z.string(), z.unknown()).optional(),
  required: z.array(z.string()).optional(),
});

type Property = z.output<typeof propertySchema>;

/** The fields of `schema` (a JSON Schema of an object), in the schema's order. */
export function paramFields(schema: unknown): ParamField[] {
  const parsed = objectSchema.safeParse(schema);
  if (!parsed.success) return [];
  const required = new Set(parsed.data.required ?? []);
  return Object.entries(parsed.data.properties ?? {}).map(([name, raw]) => {
    const p = propertySchema.safeParse(raw);
    return toField(name, p.success ? p.data : {}, required.has(name));
  });
}

function toField(name: string, p: Property, required: boolean): ParamField {
  const base = {
    name,
    required: required && p.default === undefined,
    description: p.description ?? null,
    initial: "",
    checked: false,
  };
  const type = singleType(p.type);
  if (p.enum && p.enum.every((v) => typeof v === "string")) {
    return { ...base, kind: "enum", options: p.enum as string[], initial: str(p.default) };
  }
  if (type === "boolean") return { ...base, kind: "boolean", checked: p.default === true };
  if (type === "number" || type === "integer") {
    return {
      ...base,
      kind: type,
      initial: typeof p.default === "number" ? String(p.default) : "",
      min: p.minimum ?? p.exclusiveMinimum,
      max: p.maximum ?? p.exclusiveMaximum,
      step: p.multipleOf !== undefined ? String(p.multipleOf) : type === "integer" ? "1" : "any",
    };
  }
  if (type === "string") {
    if (p.format === "date") return { ...base, kind: "date", initial: str(p.default) };
    if (p.format === "date-time") {
      const initial = typeof p.default === "string" ? p.default.slice(0, 19) : "";
      return { ...base, kind: "datetime", initial };
    }
    return { ...base, kind: "text", initial: str(p.default), hint: textHint(p) };
  }
  if (type === "array") {
    const item = singleType(p.items?.type);
    if (item === "string" || item === "number" || item === "integer") {
      const list = Array.isArray(p.default) ? p.default.map(String).join("\n") : "";
      return { ...base, kind: "lines", item: item === "string" ? "text" : item, initial: list };
    }
  }
  const initial = p.default === undefined ? "" : JSON.stringify(p.default, null, 2);
  return { ...base, kind: "json", initial };
}

function singleType(type: string | string[] | undefined): string | undefined {
  if (Array.isArray(type)) {
    const real = type.filter((t) => t !== "null");
    return real.length === 1 ? real[0] : undefined;
  }
  return type;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function textHint(p: Property): string | undefined {
  if (p.format) return `format: ${p.format}`;
  if (p.minLength !== undefined || p.maxLength !== undefined) {
    return `${p.minLength ?? 0}–${p.maxLength ?? "∞"} characters`;
  }
  return undefined;
}
