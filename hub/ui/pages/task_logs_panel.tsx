/**
 * A task's log on its page: the stored lines of one attempt (or all), an
 * attempt selector, and — while the task is unfinished — the live tail
 * (`client/task_logs.ts` follows `GET /api/tasks/{id}/logs?follow=true` and
 * appends lines as text).
 */
import type { FC } from "hono/jsx";
import type { TaskDetail } from "../../../shared/api_schemas.ts";
import type { StoredLogLine } from "../../../shared/api_schemas_logs.ts";
import { absoluteTime, plural } from "../format.ts";

const FINAL = ["done", "failed", "cancelled"];

/** The log panel. */
export const TaskLogsPanel: FC<{
  task: TaskDetail;
  attempts: number[];
  attempt: number | undefined;
  lines: StoredLogLine[];
  /** More lines than were rendered: point at the API. */
  full: boolean;
}> = ({ task, attempts, attempt, lines, full }) => {
  const base = `/ui/tasks/${encodeURIComponent(task.id)}`;
  const follow = !FINAL.includes(task.state);
  const api = `/api/tasks/${encodeURIComponent(task.id)}/logs${
    attempt === undefined ? "" : `?attempt=${attempt}`
  }`;
  return (
    <section class="panel logs-panel">
      <div class="logs-head">
        <h2>Log</h2>
        <nav class="attempt-tabs" aria-label="Attempt">
          {attempts.map((n) => (
            <a
              key={n}
              href={`${base}?attempt=${n}`}
              class={n === attempt ? "active" : undefined}
            >
              attempt {n}
            </a>
          ))}
          <a href={`${base}?attempt=all`} class={attempt === undefined ? "active" : undefined}>
            all
          </a>
        </nav>
        <span class="muted small" data-log-status>
          {follow ? "following live" : plural(lines.length, "line")}
        </span>
        <a class="small" href={api}>raw JSON</a>
      </div>
      <div
        class="log"
        id="task-log"
        data-task-id={task.id}
        data-attempt={attempt === undefined ? undefined : String(attempt)}
        data-after={String(lines.at(-1)?.id ?? 0)}
        data-follow={follow ? "true" : undefined}
      >
        {lines.length === 0
          ? (
            <p class="log-empty muted">
              {follow ? "No lines yet; new ones appear here." : "This attempt wrote no lines."}
            </p>
          )
          : lines.map((l) => <LogLine key={l.id} line={l} />)}
      </div>
      {full
        ? <p class="muted small">Only the first lines are shown here; the rest are in raw JSON.</p>
        : null}
    </section>
  );
};

/** One line: time, level, message, fields; the client builds the same markup with textContent. */
export const LogLine: FC<{ line: StoredLogLine }> = ({ line }) => (
  <div class={`log-line level-${line.level}${line.dropped > 0 ? " dropped" : ""}`}>
    <span class="log-at" title={absoluteTime(line.at)}>{clock(line.at)}</span>
    <span class="log-level">{line.level}</span>
    <span class="log-attempt">#{line.attempt}</span>
    <span class="log-text">
      <span class="log-msg">{line.msg}</span>
      {line.fields && Object.keys(line.fields).length > 0
        ? <span class="log-fields">{JSON.stringify(line.fields)}</span>
        : null}
    </span>
  </div>
);

/** `14:05:09.123` (UTC). */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
