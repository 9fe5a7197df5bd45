/**
 * The answers of `GET /api/tasks/{id}/logs`: task log lines as the hub
 * stores them, for the CLI and the web UI, and the names of the events of
 * its `follow=true` stream. Objects are loose, as in `api_schemas.ts`.
 *
 * @module
 */
import { z } from "zod";

/**
 * One stored task log line, or a marker (`dropped` > 0: that many lines were
 * lost here, and `msg` says by whom).
 *
 * @example
 * ```ts
 * import { storedLogLineSchema } from "./api_schemas_logs.ts";
 * storedLogLineSchema.parse({
 *   id: 7, attempt: 1, epoch: 2, workerId: "w_1", at: 0, level: "info",
 *   msg: "rows loaded", fields: { rows: 3 }, dropped: 0,
 * });
 * ```
 */
export const storedLogLineSchema = z.looseObject({
  id: z.int().describe("Increasing: resume after it with `after` (or `Last-Event-ID`)"),
  attempt: z.int().describe("The task's attempt the line was written in"),
  epoch: z.int().describe("The lease the attempt held"),
  workerId: z.string(),
  at: z.int().describe("Milliseconds since the epoch, the worker's clock when it was written"),
  level: z.enum(["debug", "info", "warn", "error"]),
  msg: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
  dropped: z.int().describe("A marker when > 0: this many lines were dropped here"),
});

/** A stored task log line. */
export type StoredLogLine = z.output<typeof storedLogLineSchema>;

/**
 * `GET /api/tasks/{id}/logs`: a page of lines in id order; a full page has
 * `next`, to pass back as `after`.
 *
 * @example
 * ```ts
 * import { taskLogsSchema } from "./api_schemas_logs.ts";
 * taskLogsSchema.parse({ taskId: "A_1_ab", lines: [], next: null });
 * ```
 */
export const taskLogsSchema = z.looseObject({
  taskId: z.string(),
  lines: z.array(storedLogLineSchema),
  next: z.int().nullable(),
});

/** A page of a task's log. */
export type TaskLogs = z.output<typeof taskLogsSchema>;

/**
 * The events of the `follow=true` stream: each `line` carries a stored line
 * as JSON with the line's id as the event id; `end` (data `{ taskId, state }`)
 * comes once the task is done, failed or cancelled and its lines are sent.
 *
 * @example
 * ```ts
 * import { TASK_LOG_EVENTS } from "./api_schemas_logs.ts";
 * console.assert(TASK_LOG_EVENTS.end === "end");
 * ```
 */
export const TASK_LOG_EVENTS = { line: "line", end: "end" } as const;

/**
 * The data of the stream's `end` event.
 *
 * @example
 * ```ts
 * import { taskLogEndSchema } from "./api_schemas_logs.ts";
 * taskLogEndSchema.parse({ taskId: "A_1_ab", state: "failed" });
 * ```
 */
export const taskLogEndSchema = z.looseObject({
  taskId: z.string(),
  state: z.string().describe("The task's final state, or `deleted`"),
});
