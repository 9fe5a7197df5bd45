/** A family's parameter JSON Schema, shown as a table a person can read. */
import type { FC } from "hono/jsx";
import { JsonBlock } from "./components.tsx";

type Schema = Record<string, unknown>;

/** `string (date)`, `integer 1…31`, `"a" | "b"`, `array of string`, `string | null`… */
export function describeType(s: Schema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in s) return JSON.stringify(s.const);
  const alts = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(alts)) return alts.map(describeType).join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : String(s.type ?? "any");
  if (type === "array") {
    const items = s.items && typeof s.items === "object" ? describeType(s.items as Schema) : "any";
    return `array of ${items}`;
  }
  const parts = [type];
  if (typeof s.format === "string") parts.push(`(${s.format})`);
  const min = bound(s.minimum ?? s.exclusiveMinimum ?? s.minLength);
  const max = bound(s.maximum ?? s.exclusiveMaximum ?? s.maxLength);
  if (min !== undefined || max !== undefined) parts.push(`${min ?? ""}…${max ?? ""}`);
  // A format says it better than its regex (zod writes both for dates).
  if (typeof s.pattern === "string" && typeof s.format !== "string") {
    parts.push(s.pattern.length > 40 ? "(pattern)" : `/${s.pattern}/`);
  }
  return parts.join(" ");
}

/** A bound worth showing: not the largest safe integer zod writes for "any int". */
function bound(n: unknown): unknown {
  return typeof n === "number" && Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : n;
}

/** The parameters of a schema: name, type, required, default, description. */
export const SchemaTable: FC<{ schema: Schema }> = ({ schema }) => {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const names = Object.keys(props);
  if (names.length === 0) return <p class="muted">No parameters.</p>;
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>Parameter</th>
          <th>Type</th>
          <th>Required</th>
          <th>Default</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {names.map((name) => {
          const p = props[name]!;
          return (
            <tr key={name}>
              <td class="mono">{name}</td>
              <td class="mono small">
                {describeType(p)}
                {p.type === "object" ? <JsonBlock value={p} /> : null}
              </td>
              <td>{required.has(name) ? "yes" : <span class="muted">no</span>}</td>
              <td class="mono small">
                {"default" in p ? JSON.stringify(p.default) : <span class="muted">—</span>}
              </td>
              <td class="wrap">
                {typeof p.description === "string" ? p.description : ""}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

/** The parameters in one line: `date: string (date), region?: "eu" | "us"`. */
export function paramsSummary(schema: Schema): string {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(props)
    .map(([k, v]) => `${k}${required.has(k) ? "" : "?"}: ${describeType(v)}`).join(", ");
}
