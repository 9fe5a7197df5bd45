/** The events of a task's log stream (`GET /api/tasks/{id}/logs?follow=true`), parsed. */
import {
  type StoredLogLine,
  storedLogLineSchema,
  TASK_LOG_EVENTS,
  taskLogEndSchema,
} from "../shared/api_schemas_logs.ts";
import type { z } from "zod";
import { HubError } from "./errors.ts";
import type { SseEvent } from "./read_sse.ts";

/** A line of the log, or its end: the task is over and every line was sent. */
export type TaskLogEvent =
  | { type: "line"; line: StoredLogLine }
  | { type: "end"; taskId: string; state: string };

/** The `line` and `end` events of `events`, checked; other events are skipped. */
export async function* taskLogEvents(
  events: AsyncIterable<SseEvent>,
): AsyncGenerator<TaskLogEvent> {
  for await (const event of events) {
    if (event.event === TASK_LOG_EVENTS.line) {
      yield { type: "line", line: parse(storedLogLineSchema, event) };
    } else if (event.event === TASK_LOG_EVENTS.end) {
      const end = parse(taskLogEndSchema, event);
      yield { type: "end", taskId: end.taskId, state: end.state };
    }
  }
}

function parse<S extends z.ZodType>(schema: S, e: SseEvent): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(e.data);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new HubError(
      200,
      "unexpected_response",
      `The hub sent a "${e.event}" event the client cannot read: ${e.data.slice(0, 120)}`,
    );
  }
  return parsed.data;
}
