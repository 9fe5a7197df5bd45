/** The form that pauses a family or a region (operators), posting to `PUT /api/pauses/{kind}/{value}`. */
import type { FC } from "hono/jsx";

/** Pause a family or region by name, with a reason. */
export const PauseForm: FC = () => (
  <section class="panel">
    <h3>Pause a family or a region</h3>
    <form
      class="form-row"
      data-api-form="/api/pauses/{kind}/{value}"
      data-method="PUT"
      data-done="Paused"
    >
      <label>
        Kind
        <select name="kind">
          <option value="family">family</option>
          <option value="region">region</option>
        </select>
      </label>
      <label>
        Name
        <input name="value" required maxlength={200} placeholder="ExtractRaw or eu-west" />
      </label>
      <label>
        Reason
        <input name="reason" maxlength={1000} placeholder="why (shown to everyone)" />
      </label>
      <button type="submit" class="btn primary">Pause</button>
    </form>
  </section>
);
