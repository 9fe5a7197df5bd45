/** Tasks: list, inspect, cancel, retry, mark done. */
import { z } from "zod";
import {
  taskCancelledSchema,
  taskDetailSchema,
  taskListSchema,
  taskMarkedDoneSchema,
  taskRetriedSchema,
} from "../../shared/api_schemas.ts";
import { TASK_STATES } from "../../shared/states.ts";
import { RequestError } from "../core/request_error.ts";
import { optionalReasonSchema } from "../http/request_schemas.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { listTasks } from "../queries/list_tasks.ts";
import { taskDetail } from "../queries/task_detail.ts";
import { runRoot } from "../queries/task_state.ts";

const listQuery = z.object({
  run: z.string().min(1).optional(),
  state: z.enum(TASK_STATES).optional(),
  family: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  after: z.string().min(1).optional().describe("Cursor: the `next` of the previous page"),
});

const idParams = z.object({ id: z.string().min(1).max(1000) });

/** Tasks: list with filters, inspect one, cancel, retry, mark done. */
export function taskRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "get",
    path: "/api/tasks",
    tag: "tasks",
    summary: "List tasks",
    description: "In id order. A full page has a `next` cursor: pass it back as `after`.",
    allow: READ,
    query: listQuery,
    response: { status: 200, description: "A page of tasks", schema: taskListSchema },
    errors: [404],
  }, async (c, { query: { run, ...q } }) => {
    if (run && !await core.read((db) => runRoot(db, run))) {
      throw new RequestError(404, "run_not_found", `Run "${run}" does not exist`);
    }
    return c.json(await core.read((db) => listTasks(db, { ...q, runId: run }, core.now())));
  });

  api.route({
    method: "get",
    path: "/api/tasks/{id}",
    tag: "tasks",
    summary: "Get a task",
    description: "With its dependencies, its attempts (each with the worker and its labels, " +
      "so the region it ran in), its publication, and why it cannot be scheduled if it cannot.",
    allow: READ,
    params: idParams,
    response: { status: 200, description: "The task", schema: taskDetailSchema },
    errors: [404],
  }, async (c, { params: { id } }) => {
    const detail = await core.read((db) => taskDetail(db, id, core.now()));
    if (!detail) throw new RequestError(404, "task_not_found", `Task "${id}" does not exist`);
    return c.json(detail);
  });

  api.route({
    method: "post",
    path: "/api/tasks/{id}/cancel",
    tag: "tasks",
    summary: "Cancel a task",
    description: "A running attempt is told to stop and publishes nothing; what waits on the " +
      "task is blocked.",
    allow: OPERATE,
    params: idParams,
    body: optionalReasonSchema,
    bodyOptional: true,
    response: { status: 200, description: "The task is cancelled", schema: taskCancelledSchema },
    errors: [404, 409],
    audit: "task.cancel",
  }, async (c, { params: { id }, body, audit }) => {
    const reason = body.reason ?? "cancelled through the API";
    const result = await core.runs.cancelTask(id, reason);
    audit.detail.reason = reason;
    return c.json(result);
  });

  api.route({
    method: "post",
    path: "/api/tasks/{id}/retry",
    tag: "tasks",
    summary: "Retry a task",
    description: "Puts a failed or cancelled task back in the queue with its attempts reset, " +
      "and unblocks what waited on it.",
    allow: OPERATE,
    params: idParams,
    response: { status: 200, description: "The task is queued again", schema: taskRetriedSchema },
    errors: [404, 409],
    audit: "task.retry",
  }, async (c, { params: { id }, audit }) => {
    const result = await core.runs.retryTask(id);
    audit.detail.unblocked = result.unblocked;
    return c.json(result);
  });

  api.route({
    method: "post",
    path: "/api/tasks/{id}/done",
    tag: "tasks",
    summary: "Mark a task done",
    description: "Records the task as done without running it (its outputs are taken as made " +
      "by hand), fences out any running attempt, and lets what waits on it go ahead. " +
      "The reason is kept in the task's status and the audit log.",
    allow: OPERATE,
    params: idParams,
    body: z.strictObject({ reason: z.string().min(1).max(500) }),
    response: { status: 200, description: "The task is done", schema: taskMarkedDoneSchema },
    errors: [404, 409],
    audit: "task.mark_done",
  }, async (c, { params: { id }, body, principal, audit }) => {
    audit.detail.reason = body.reason;
    const { previous, ...result } = await core.runs.markDone(
      id,
      body.reason,
      principal?.id ?? null,
    );
    audit.detail.previous = previous;
    return c.json(result);
  });
}
