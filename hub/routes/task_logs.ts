/** A task's log: the lines its attempts wrote, as a page or as a live stream. */
import { z } from "zod";
import { taskLogsSchema } from "../../shared/api_schemas_logs.ts";
import { RequestError } from "../core/request_error.ts";
import { READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { streamTaskLogs } from "../http/task_log_stream.ts";
import { taskLogLines } from "../queries/task_logs.ts";
import { taskState } from "../queries/task_state.ts";

const logsQuery = z.object({
  attempt: z.coerce.number().int().min(0).optional().describe("Only this attempt's lines"),
  after: z.coerce.number().int().min(0).optional()
    .describe("Only lines after this id: the `next` of the previous page, or the last id seen"),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000)
    .describe("Most lines in the page (not with `follow`)"),
  follow: z.enum(["true", "false"]).optional()
    .describe("`true`: stream the lines as Server-Sent Events until the task is over"),
});

const idParams = z.object({ id: z.string().min(1).max(1000) });

/** `GET /api/tasks/{id}/logs`. */
export function taskLogRoutes(api: ApiRouter): void {
  const { core, log } = api.deps;

  api.route({
    method: "get",
    path: "/api/tasks/{id}/logs",
    tag: "tasks",
    summary: "Get a task's log",
    description: "The lines its attempts wrote with `ctx.log` (and captured `console.*`), as " +
      "workers shipped them, in id order; a line with `dropped` > 0 marks lines lost there. " +
      "A full page has `next`: pass it back as `after`.\n\n" +
      "With `follow=true` the answer is `text/event-stream`: the lines stored, then new ones " +
      "as they are stored, each a `line` event whose id is the line's id (resume with " +
      "`Last-Event-ID`), `: keep-alive` comments while nothing happens, and an `end` event " +
      "(`{ taskId, state }`) once the task is done, failed or cancelled and its lines are sent.",
    allow: READ,
    params: idParams,
    query: logsQuery,
    response: { status: 200, description: "A page of the task's log", schema: taskLogsSchema },
    errors: [404],
  }, async (c, { params: { id }, query }) => {
    if ((await core.read((db) => taskState(db, id))) === undefined) {
      throw new RequestError(404, "task_not_found", `Task "${id}" does not exist`);
    }
    if (query.follow === "true") {
      const after = lastEventId(c.req.header("last-event-id")) ?? query.after ?? 0;
      return streamTaskLogs(c, core, { taskId: id, attempt: query.attempt, after, log });
    }
    const { attempt, after, limit } = query;
    const lines = await core.read((db) => taskLogLines(db, { taskId: id, attempt, after, limit }));
    // A full page may have more behind it.
    const next = lines.length === limit ? lines[lines.length - 1]!.id : null;
    return c.json({ taskId: id, lines, next });
  });
}

/** The line id of a `Last-Event-ID` header; a header that is not one is a 400. */
function lastEventId(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw new RequestError(
      400,
      "invalid_header",
      `Invalid Last-Event-ID "${header.slice(0, 40)}": expected a line id`,
    );
  }
  return Number(header.trim());
}
