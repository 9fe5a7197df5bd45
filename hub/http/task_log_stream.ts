/**
 * `GET /api/tasks/{id}/logs?follow=true`: a task's log as Server-Sent
 * Events. Any hub sharing the database may store a task's lines, so the
 * stream polls the table: lines already stored, then new ones as they come,
 * each an event whose id is the line's id (a client resumes with
 * `Last-Event-ID`), keep-alive comments while nothing comes, and an `end`
 * event once the task is done, failed or cancelled and its lines are sent.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { TASK_LOG_EVENTS } from "../../shared/api_schemas_logs.ts";
import { delay } from "../../shared/delay.ts";
import type { TaskState } from "../../shared/states.ts";
import type { Logger } from "../../shared/log.ts";
import type { HubCore } from "../core/hub_core.ts";
import { taskLogLines } from "../queries/task_logs.ts";
import { taskState } from "../queries/task_state.ts";

/** States after which a task's attempts are over. */
const FINAL: readonly TaskState[] = ["done", "failed", "cancelled"];
/** Lines read per poll. */
const PAGE = 500;

/** What to stream, and how often to look. */
export interface TaskLogStream {
  taskId: string;
  attempt?: number;
  /** Lines after this id (from `Last-Event-ID` or `after`). */
  after: number;
  /** Between polls of the table. Default 300 ms. */
  pollMs?: number;
  /** A comment is sent when nothing else was for this long. Default 15 s. */
  keepAliveMs?: number;
  /** Where a stream that fails (the database gone) is reported. */
  log: Logger;
}

/** Streams the task's log until the task is over, the client leaves, or the hub closes. */
export function streamTaskLogs(c: Context, core: HubCore, s: TaskLogStream): Response {
  return streamSSE(c, async (stream) => {
    const stop = new AbortController();
    stream.onAbort(() => stop.abort());
    const onClosing = () => stop.abort();
    core.closing.addEventListener("abort", onClosing, { once: true });
    if (core.closing.aborted) stop.abort();
    const keepAliveMs = s.keepAliveMs ?? 15_000;
    let after = s.after;
    let quietSince = Date.now();
    try {
      while (!stop.signal.aborted) {
        // The state first: lines a worker sent before its outcome were stored
        // before the outcome, so once a final state is read, the lines read
        // next are all the task's lines.
        const state = await core.read((db) => taskState(db, s.taskId));
        const lines = await core.read((db) =>
          taskLogLines(db, { taskId: s.taskId, attempt: s.attempt, after, limit: PAGE })
        );
        for (const line of lines) {
          await stream.writeSSE({
            id: String(line.id),
            event: TASK_LOG_EVENTS.line,
            data: JSON.stringify(line),
          });
          after = line.id;
        }
        if (lines.length > 0) quietSince = Date.now();
        if (lines.length === PAGE) continue;
        if (state === undefined || FINAL.includes(state)) {
          const end = { taskId: s.taskId, state: state ?? "deleted" };
          await stream.writeSSE({ event: TASK_LOG_EVENTS.end, data: JSON.stringify(end) });
          return;
        }
        if (Date.now() - quietSince >= keepAliveMs) {
          await stream.write(": keep-alive\n\n");
          quietSince = Date.now();
        }
        await delay(s.pollMs ?? 300, stop.signal).catch(() => {});
      }
    } finally {
      core.closing.removeEventListener("abort", onClosing);
    }
  }, (error) => {
    // Hono then sends an `error` event and ends the stream; the client may resume.
    s.log.warn("task log stream failed", { taskId: s.taskId, error });
    return Promise.resolve();
  });
}
