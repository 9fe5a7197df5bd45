/**
 * One parameter's input, typed by its schema: a date picker, a date-time
 * picker (UTC), a number with its bounds, a select, a checkbox, a list (one
 * item a line) or JSON. Named `params.<name>`, as the hub names the field in
 * its errors, so an error lands next to its input.
 */
import type { FC } from "hono/jsx";
import type { ParamField } from "./param_fields.ts";

/** The label, the input, and what the parameter means. */
export const ParamInput: FC<{ field: ParamField }> = ({ field: f }) => {
  const name = `params.${f.name}`;
  const id = `param-${f.name}`;
  return (
    <div class={`field field-${f.kind}`}>
      <label for={id}>
        <span class="field-name">
          <span class="mono">{f.name}</span>
          {f.required ? <span class="required" title="required">*</span> : null}
          <span class="field-type muted">{typeLabel(f)}</span>
        </span>
      </label>
      <Control f={f} name={name} id={id} />
      {f.description ? <span class="field-help">{f.description}</span> : null}
      {f.hint ? <span class="field-help muted">{f.hint}</span> : null}
    </div>
  );
};

const Control: FC<{ f: ParamField; name: string; id: string }> = ({ f, name, id }) => {
  const common = { id, name, "data-kind": f.kind, required: f.required };
  switch (f.kind) {
    case "date":
      return <input type="date" value={f.initial} {...common} />;
    case "datetime":
      return <input type="datetime-local" step="1" value={f.initial} {...common} />;
    case "number":
    case "integer":
      return (
        <input
          type="number"
          value={f.initial}
          min={f.min === undefined ? undefined : String(f.min)}
          max={f.max === undefined ? undefined : String(f.max)}
          step={f.step}
          {...common}
        />
      );
    case "enum":
      return (
        <select {...common}>
          {f.required && f.initial === "" ? <option value="">choose…</option> : null}
          {!f.required ? <option value="">(not set)</option> : null}
          {(f.options ?? []).map((o) => (
            <option key={o} value={o} selected={o === f.initial}>{o}</option>
          ))}
        </select>
      );
    case "boolean":
      return (
        <span class="check">
          <input type="checkbox" checked={f.checked} id={id} name={name} data-kind="boolean" />
          <span class="muted small">{f.checked ? "on by default" : "off by default"}</span>
        </span>
      );
    case "lines":
      return (
        <textarea rows={3} data-item={f.item} placeholder="one item a line" {...common}>
          {f.initial}
        </textarea>
      );
    case "json":
      return (
        <textarea rows={4} class="mono" placeholder="JSON" {...common}>
          {f.initial}
        </textarea>
      );
    default:
      return <input type="text" value={f.initial} {...common} />;
  }
};

function typeLabel(f: ParamField): string {
  switch (f.kind) {
    case "date":
      return "date";
    case "datetime":
      return "date-time, UTC";
    case "integer":
    case "number": {
      const range = f.min !== undefined || f.max !== undefined
        ? ` ${f.min ?? "…"}–${f.max ?? "…"}`
        : "";
      return f.kind + range;
    }
    case "enum":
      return "one of";
    case "lines":
      return `list of ${f.item === "text" ? "string" : f.item}s`;
    case "json":
      return "JSON";
    case "boolean":
      return "yes/no";
    default:
      return "text";
  }
}
