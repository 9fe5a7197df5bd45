/** Small pieces every page uses: state badges, times, durations, empty states. */
import type { Child, FC } from "hono/jsx";
import { absoluteTime, duration, relativeTime } from "./format.ts";

/** Task, run, backfill and worker states with a colour of their own (see app.css). */
const KNOWN_STATES = new Set([
  "ready",
  "leased",
  "running",
  "waiting",
  "done",
  "failed",
  "blocked",
  "cancelled",
  "connected",
  "disconnected",
  "cordoned",
  "draining",
  "paused",
  "disabled",
]);

/** A state as a coloured badge; unknown states are grey. */
export const StateBadge: FC<{ state: string }> = ({ state }) => (
  <span class={`badge state-${KNOWN_STATES.has(state) ? state : "other"}`}>{state}</span>
);

/** A time, relative ("5 min ago"), with the absolute UTC time on hover; "—" when null. */
export const Time: FC<{ at: number | null | undefined; now: number }> = ({ at, now }) =>
  at === null || at === undefined
    ? <span class="muted">—</span>
    : (
      <time datetime={new Date(at).toISOString()} title={absoluteTime(at)} data-rel="">
        {relativeTime(at, now)}
      </time>
    );

/** A duration; "—" when unknown. */
export const Duration: FC<{ ms: number | null | undefined }> = ({ ms }) =>
  ms === null || ms === undefined
    ? <span class="muted">—</span>
    : <span class="num">{duration(ms)}</span>;

/** What a page shows where a list is empty: what it is, and what would fill it. */
export const Empty: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty">
    <p class="empty-title">{title}</p>
    {children ? <p class="muted">{children}</p> : null}
  </div>
);

/** Labels (`region=eu-west`) as chips. */
export const Labels: FC<{ labels: Record<string, string> }> = ({ labels }) => {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <span class="chips">
      {entries.map(([k, v]) => <span key={k} class="chip">{k}={v}</span>)}
    </span>
  );
};

/** JSON as readable, escaped text. */
export const JsonBlock: FC<{ value: unknown }> = ({ value }) => (
  <pre class="json">{JSON.stringify(value, null, 2)}</pre>
);
