/// <reference lib="dom" />
/**
 * A run's live events for the graph: `GET /api/events?run=…&kind=task.*,run.*`
 * through `EventSource` (the session cookie authenticates it; it reconnects
 * by itself with `Last-Event-ID`). Each message is parsed with the shared
 * schemas; kinds the graph does not use, and malformed data, are passed over.
 */
import { eventDataSchemas, hubEventSchema } from "../../../shared/api_schemas_events.ts";
import type { RunState, TaskState } from "../../../shared/states.ts";

/** A task's state change. */
export interface TaskChange {
  /** The event id. */
  id: number;
  taskId: string;
  family: string;
  from: TaskState;
  to: TaskState;
}

/** What the feed tells its owner. */
export interface FeedHandlers {
  change(change: TaskChange): void;
  /** A task joined the run's graph (an expansion): the layout is out of date. */
  created(id: number): void;
  run(to: RunState): void;
  /** Events were lost (pruned): reload everything. */
  gap(): void;
}

/** Opens the stream of run `runId`'s events after event `after`; close it when done. */
export function openGraphFeed(runId: string, after: number, handlers: FeedHandlers): EventSource {
  const query = new URLSearchParams({ run: runId, kind: "task.*,run.*", after: String(after) });
  const source = new EventSource(`/api/events?${query}`);
  const parse = (message: MessageEvent) => {
    try {
      const event = hubEventSchema.safeParse(JSON.parse(String(message.data)));
      return event.success ? event.data : null;
    } catch {
      return null;
    }
  };
  source.addEventListener("task.state", (message) => {
    const event = parse(message);
    const data = eventDataSchemas["task.state"].safeParse(event?.data);
    if (!event || !data.success || event.taskId === null) return;
    const { family, from, to } = data.data;
    if (from !== to) handlers.change({ id: event.id, taskId: event.taskId, family, from, to });
  });
  source.addEventListener("task.created", (message) => {
    const event = parse(message);
    if (event) handlers.created(event.id);
  });
  source.addEventListener("run.state", (message) => {
    const data = eventDataSchemas["run.state"].safeParse(parse(message)?.data);
    if (data.success) handlers.run(data.data.to);
  });
  source.addEventListener("gap", () => handlers.gap());
  return source;
}
