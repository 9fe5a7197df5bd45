/**
 * What the Run form's inputs mean as JSON (no DOM here, so tests run it on
 * the server): a typed value per input kind, the placement rows as a pin or
 * a preference, and which input a problem's `field` (`params.runDate`,
 * `prefer.values`) belongs to.
 */

/** A value read from an input, or why it cannot be read; `absent`: leave it out. */
export type Read = { value: unknown } | { error: string } | { absent: true };

/** The value of an input of `kind` (see `run_form/param_fields.ts`) holding `raw`. */
export function readParam(kind: string, raw: string, item?: string, checked = false): Read {
  if (kind === "boolean") return { value: checked };
  const text = raw.trim();
  if (text === "") return { absent: true };
  switch (kind) {
    case "number":
    case "integer":
      return number(text, kind === "integer");
    case "datetime":
      // datetime-local has no zone: the form says UTC.
      return { value: `${text.length === 16 ? `${text}:00` : text}Z` };
    case "lines": {
      const values: unknown[] = [];
      for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
        if (item === "number" || item === "integer") {
          const n = number(line, item === "integer");
          if ("error" in n) return n;
          values.push(n.value);
        } else values.push(line);
      }
      return { value: values };
    }
    case "json":
      try {
        return { value: JSON.parse(text) };
      } catch (error) {
        return { error: `Not JSON: ${(error as Error).message}` };
      }
    default:
      return { value: text };
  }
}

function number(text: string, integer: boolean): { value: number } | { error: string } {
  const n = Number(text);
  if (!Number.isFinite(n)) return { error: `"${text}" is not a number` };
  if (integer && !Number.isInteger(n)) return { error: `"${text}" is not a whole number` };
  return { value: n };
}

/** `region=eu-west` rows as a pin (`{ region: "eu-west" }`) or a preference (one label, values in order). */
export function readPlacement(
  mode: string,
  rows: string,
  spillSeconds: string,
): { pin?: Record<string, string>; prefer?: unknown } | { error: string; field: string } {
  if (mode !== "pin" && mode !== "prefer") return {};
  const pairs: Array<[string, string]> = [];
  for (const line of rows.split(/[\n,]/).map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at <= 0) return { error: `"${line}" is not label=value`, field: "placement.rows" };
    pairs.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  if (pairs.length === 0) {
    return { error: "Give at least one label=value row", field: "placement.rows" };
  }
  if (mode === "pin") return { pin: Object.fromEntries(pairs) };
  const labels = new Set(pairs.map(([k]) => k));
  if (labels.size > 1) {
    return { error: "Prefer takes one label (its values in order)", field: "placement.rows" };
  }
  const spill = Number(spillSeconds.trim());
  if (!spillSeconds.trim() || !Number.isFinite(spill) || spill <= 0) {
    return { error: "Say after how many seconds to spill", field: "prefer.spillAfterMs" };
  }
  return {
    prefer: {
      label: pairs[0]![0],
      values: pairs.map(([, v]) => v),
      spillAfterMs: Math.round(spill * 1000),
    },
  };
}

/** The input a problem's `field` names: itself, else its nearest named parent, else null. */
export function inputForField(field: string, names: readonly string[]): string | null {
  if (field === "pin" || field.startsWith("pin.")) return "placement.rows";
  if (field === "prefer.spillAfterMs") return "prefer.spillAfterMs";
  if (field === "prefer" || field.startsWith("prefer.")) return "placement.rows";
  const parts = field.split(".");
  while (parts.length > 0) {
    const name = parts.join(".");
    if (names.includes(name)) return name;
    parts.pop();
  }
  return null;
}
