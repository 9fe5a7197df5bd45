/**
 * The Run form of a family's page: its parameters as typed inputs, where
 * the run goes (the family's pin, a pin of its own, or regions in order of
 * preference) and its priority. `client/run_form.ts` turns the inputs into
 * the body of `POST /api/runs`, shows the hub's field errors next to their
 * inputs and opens the new run's page.
 */
import type { FC } from "hono/jsx";
import type { RegisteredFamily } from "../../queries/families.ts";
import { paramFields } from "./param_fields.ts";
import { ParamInput } from "./param_input.tsx";

/** The form for `family` (render it only for roles that may submit runs). */
export const RunForm: FC<{ family: RegisteredFamily }> = ({ family: f }) => {
  const fields = paramFields(f.paramsSchema);
  const pin = f.pin && f.pin !== "{}" ? f.pin : "";
  return (
    <form class="run-form panel" data-run-form={f.name} novalidate>
      <div class="run-form-head">
        <h2>Run {f.name}</h2>
        <span class="muted small">
          Submits <span class="mono">POST /api/runs</span> for version{" "}
          {f.version}; tasks already done are not run again.
        </span>
      </div>
      <div class="form-error" data-form-error hidden></div>
      {fields.length === 0
        ? <p class="muted">This family takes no parameters.</p>
        : (
          <fieldset class="param-grid">
            <legend>Parameters</legend>
            {fields.map((field) => <ParamInput key={field.name} field={field} />)}
          </fieldset>
        )}
      <fieldset class="param-grid placement">
        <legend>Placement and priority</legend>
        <div class="field">
          <label for="run-placement">Where</label>
          <select id="run-placement" name="placement">
            <option value="default">
              {pin ? `the family's pin (${pin})` : "any worker (the family's default)"}
            </option>
            <option value="pin">pin to labels</option>
            <option value="prefer">prefer regions, in order</option>
          </select>
        </div>
        <div class="field" data-when="pin prefer" hidden>
          <label for="run-rows">Labels</label>
          <textarea
            id="run-rows"
            name="placement.rows"
            rows={2}
            class="mono"
            placeholder="region=eu-west"
          >
          </textarea>
          <span class="field-help">
            label=value, one a line. Pin: all must match. Prefer: one label, values in order.
          </span>
        </div>
        <div class="field" data-when="prefer" hidden>
          <label for="run-spill">Spill after (seconds)</label>
          <input id="run-spill" type="number" name="prefer.spillAfterMs" min="1" step="1" />
          <span class="field-help">Prefer only: ready this long, the next region may take it.</span>
        </div>
        <div class="field">
          <label for="run-priority">Priority</label>
          <input
            id="run-priority"
            type="number"
            name="priority"
            step="1"
            min="-1000000"
            max="1000000"
            placeholder={String(f.priority)}
          />
          <span class="field-help">Higher runs first; empty: the family's ({f.priority}).</span>
        </div>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn primary">Run {f.name}</button>
      </div>
    </form>
  );
};
