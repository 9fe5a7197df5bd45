/**
 * A run's tasks counted by state: a thin bar of the state colours and the
 * counts beside it (`12 done · 3 leased · 1 failed`), zero states left out.
 */
import type { FC } from "hono/jsx";
import { TASK_STATES } from "../../shared/states.ts";
import { plural } from "./format.ts";

/** The order counts are read in: what is over first, then what is moving, then trouble. */
const ORDER = ["done", "leased", "ready", "waiting", "failed", "blocked", "cancelled"] as const;

/** Counts per state as a bar and figures; `total` 0 shows "no tasks". */
export const StateCounts: FC<{ counts: Record<string, number>; total: number; bar?: boolean }> = (
  { counts, total, bar = true },
) => {
  const shown = ORDER.filter((s) => (counts[s] ?? 0) > 0);
  const other = Object.keys(counts).filter((s) => !(TASK_STATES as readonly string[]).includes(s));
  if (total === 0) return <span class="muted small">no tasks</span>;
  return (
    <span class="state-counts">
      {bar
        ? (
          <span class="count-bar" title={plural(total, "task")}>
            {shown.map((s) => (
              <span key={s} class={`seg seg-${s} w${share(counts[s] ?? 0, total)}`}></span>
            ))}
          </span>
        )
        : null}
      <span class="count-list">
        {[...shown, ...other].map((s) => (
          <span key={s} class={`count count-${s}`} data-state={s}>
            <b>{counts[s] ?? 0}</b> {s}
          </span>
        ))}
      </span>
    </span>
  );
};

/** A state's share of the bar in twentieths (at least one, so a single failure shows). */
function share(n: number, total: number): number {
  return Math.max(1, Math.round((n / total) * 20));
}
