/// <reference lib="dom" />
/**
 * The live tail of a task's log (`#task-log[data-follow]`, see
 * `pages/task_logs_panel.tsx`): follows `GET /api/tasks/{id}/logs?follow=true`
 * (the session cookie authenticates the EventSource; after a drop the browser
 * resumes with Last-Event-ID) and appends each line, built with
 * `textContent` only, until the stream's `end`.
 */

interface Line {
  id: number;
  attempt: number;
  at: number;
  level: string;
  msg: string;
  fields: Record<string, unknown> | null;
  dropped: number;
}

/** Follows the page's task log, if it is unfinished. */
export function wireTaskLog(): void {
  const box = document.querySelector<HTMLElement>("#task-log[data-follow]");
  if (!box) return;
  const { taskId, attempt, after } = box.dataset;
  const params = new URLSearchParams({ follow: "true", after: after ?? "0" });
  if (attempt) params.set("attempt", attempt);
  const source = new EventSource(`/api/tasks/${encodeURIComponent(taskId!)}/logs?${params}`);
  const status = document.querySelector<HTMLElement>("[data-log-status]");
  source.addEventListener("line", (e) => {
    const line = parse(e as MessageEvent);
    if (!line) return;
    box.querySelector(".log-empty")?.remove();
    const stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
    box.append(render(line));
    if (stick) box.scrollTop = box.scrollHeight;
  });
  source.addEventListener("end", (e) => {
    source.close();
    const state = (parse(e as MessageEvent) as { state?: string } | null)?.state;
    if (status) status.textContent = state ? `ended: the task is ${state}` : "ended";
  });
  source.onerror = () => {
    if (status) status.textContent = "reconnecting…";
  };
  source.onopen = () => {
    if (status) status.textContent = "following live";
  };
}

function render(l: Line): HTMLElement {
  const row = span("", `log-line level-${l.level}${l.dropped > 0 ? " dropped" : ""}`, "div");
  const at = span(new Date(l.at).toISOString().slice(11, 23), "log-at");
  at.title = new Date(l.at).toISOString();
  row.append(at, span(l.level, "log-level"), span(`#${l.attempt}`, "log-attempt"));
  const text = span("", "log-text");
  text.append(span(l.msg, "log-msg"));
  if (l.fields && Object.keys(l.fields).length > 0) {
    text.append(" ", span(JSON.stringify(l.fields), "log-fields"));
  }
  row.append(text);
  return row;
}

function span(text: string, className: string, tag = "span"): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

function parse(e: MessageEvent): (Line & { state?: string }) | null {
  try {
    return JSON.parse(e.data);
  } catch {
    return null;
  }
}
