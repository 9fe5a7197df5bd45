/** What a family declares besides its parameters, in words. */
import type { FC } from "hono/jsx";
import type { RegisteredFamily } from "../queries/families.ts";
import { ActionButton, apiPath } from "./action_button.tsx";
import { StateBadge, Time } from "./components.tsx";
import { duration } from "./format.ts";

/** Options as short phrases: `resources bigquery=1`, `batch by date (≤ 30)`, … */
export function optionPhrases(f: RegisteredFamily): string[] {
  const o = f.options;
  const out: string[] = [];
  const res = Object.entries(o.resources ?? {});
  if (res.length > 0) out.push(`resources ${res.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  if (o.batch) out.push(`batch by ${o.batch.param} (up to ${o.batch.maxSize})`);
  if (o.external) {
    out.push(
      `external: checked every ${duration(o.external.checkEveryMs)}, ` +
        `gives up after ${duration(o.external.deadlineMs)}`,
    );
  }
  if (o.disable) {
    out.push(
      `disabled for ${duration(o.disable.disableForMs)} after ${o.disable.maxFailures} ` +
        `failures within ${duration(o.disable.windowMs)}`,
    );
  }
  if (!f.hasRun) out.push("wrapper (no run)");
  return out;
}

/** Whether the family is disabled now. */
export function isDisabled(f: RegisteredFamily, now: number): boolean {
  return f.disabledUntil !== null && f.disabledUntil > now;
}

/** Enabled, or disabled until when, with re-enable for operators. */
export const FamilyState: FC<{ f: RegisteredFamily; now: number; operate: boolean }> = (
  { f, now, operate },
) =>
  isDisabled(f, now)
    ? (
      <span class="chips">
        <StateBadge state="disabled" />
        <span class="small muted">
          until <Time at={f.disabledUntil} now={now} />
        </span>
        {operate
          ? (
            <ActionButton
              url={apiPath("families", f.name, "enable")}
              label="Re-enable"
              title={`Re-enable ${f.name}?`}
              confirm={`Tasks of ${f.name} may start again at once, although it failed too ` +
                "often recently."}
              done={`${f.name} re-enabled`}
            />
          )
          : null}
      </span>
    )
    : <span class="muted small">enabled</span>;
