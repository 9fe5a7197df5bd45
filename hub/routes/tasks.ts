/** Tasks: list, inspect, cancel, retry, mark done. */
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ApiRouter } from "../http/router.ts";
import { OPERATE, READ } from "../http/roles.ts";
import { optionalReasonSchema } from "../http/request_schemas.ts";
import {
  taskCancelledSchema,
  taskDetailSchema,
  taskListSchema,
  taskMarkedDoneSchema,
  taskRetriedSchema,
} from "../../shared/api_schemas.ts";
import { HttpError } from "../http/http_error.ts";
import { TASK_STATES } from "../../shared/states.ts";
import { runTaskIds } from "../queries/run_status.ts";
import { connectedWorkers } from "../queries/connected_workers.ts";
import { unschedulableReason } from "../queries/unschedulable.ts";
import { pausedSets } from "../ops/set_pause.ts";
import { type TaskRow, toTask, tryJson } from "../queries/task_view.ts";

const listQuery = z.object({
  run: z.string().min(1).optional(),
  state: z.enum(TASK_STATES).optional(),
  family: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  after: z.string().min(1).optional().describe("Cursor: the `next` of the previous page"),
});

const idParams = z.object({ id: z.string().min(1).max(1000) });
const FINAL = ["done", "failed", "cancelled"];

/** Tasks: list with filters, inspect one with its dependencies, attempts and publication. */
export function taskRoutes(api: ApiRouter): void {
  const { scheduler, log } = api.deps;

  api.route({
    method: "get",
    path: "/api/tasks",
    tag: "tasks",
    summary: "List tasks",
    description: "In id order. A full page has a `next` cursor: pass it back as `after`.",
    allow: READ,
    query: listQuery,
    response: {
      status: 200,
      description: "A page of tasks",
      schema: taskListSchema,
    },
    errors: [404],
  }, async (c, { query }) => {
    const { run, state, family, limit, after } = query;
    let root: string | undefined;
    if (run) {
      const [r] = await scheduler.queue.read((db) =>
        db.all<{ root_task_id: string }>(sql`SELECT root_task_id FROM runs WHERE id = ${run}`)
      );
      if (!r) throw new HttpError(404, "run_not_found", `Run "${run}" does not exist`);
      root = r.root_task_id;
    }
    const conditions = [sql`1 = 1`];
    if (root) conditions.push(sql`id IN (${runTaskIds(root)})`);
    if (state) conditions.push(sql`state = ${state}`);
    if (family) conditions.push(sql`family = ${family}`);
    if (after) conditions.push(sql`id > ${after}`);
    const rows = await scheduler.queue.read((db) =>
      db.all<TaskRow>(sql`SELECT tasks.*, (SELECT disabled_until FROM families f
          WHERE f.name = tasks.family AND f.version = tasks.version) AS disabled_until
        FROM tasks WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY id LIMIT ${limit}`)
    );
    // A full page may have more behind it: pass `next` back as `after`.
    const next = rows.length === limit ? rows[rows.length - 1]!.id : null;
    return c.json({ tasks: rows.map(toTask), next });
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
    const detail = await scheduler.queue.read(async (db) => {
      const [row] = await db.all<TaskRow>(sql`SELECT tasks.*, (SELECT disabled_until FROM families f
        WHERE f.name = tasks.family AND f.version = tasks.version) AS disabled_until
        FROM tasks WHERE id = ${id}`);
      if (!row) return undefined;
      const deps = await db.all<{ id: string; state: string }>(sql`
        SELECT t.id, t.state FROM edges e JOIN tasks t ON t.id = e.dep_id
        WHERE e.task_id = ${id} ORDER BY t.id LIMIT 1000`);
      const [dependents] = await db.all<{ n: number }>(
        sql`SELECT count(*) AS n FROM edges WHERE dep_id = ${id}`,
      );
      const attempts = await db.all<Record<string, unknown>>(sql`
        SELECT a.kind, a.epoch, a.attempt, a.worker_id AS workerId, w.name AS workerName,
          w.labels AS workerLabels, a.started_at AS startedAt, a.ended_at AS endedAt,
          a.outcome, a.error
        FROM attempts a LEFT JOIN workers w ON w.id = a.worker_id
        WHERE a.task_id = ${id} ORDER BY a.epoch`);
      const [publication] = await db.all<Record<string, unknown>>(sql`
        SELECT key, epoch, worker_id AS workerId, kind, created_at AS createdAt
        FROM publications WHERE task_id = ${id}`);
      const unschedulable = row.state === "ready"
        ? unschedulableReason(row, await connectedWorkers(db), await pausedSets(db))
        : null;
      return { row, deps, dependents: dependents?.n ?? 0, attempts, publication, unschedulable };
    });
    if (!detail) throw new HttpError(404, "task_not_found", `Task "${id}" does not exist`);
    return c.json({
      ...toTask(detail.row),
      dependencies: detail.deps,
      dependents: detail.dependents,
      attempts: detail.attempts.map((a) => {
        const labels = a.workerLabels ? JSON.parse(String(a.workerLabels)) : null;
        return {
          ...a,
          workerLabels: labels,
          region: typeof labels?.region === "string" ? labels.region : null,
          error: a.error ? tryJson(String(a.error)) : null,
        };
      }),
      publication: detail.publication ?? null,
      /** Why no connected worker can take this ready task (visible starvation), or null. */
      unschedulable: detail.unschedulable,
    });
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
    response: {
      status: 200,
      description: "The task is cancelled",
      schema: taskCancelledSchema,
    },
    errors: [404, 409],
    audit: "task.cancel",
  }, async (c, { params: { id }, body, audit }) => {
    const state = await stateOf(id);
    if (FINAL.includes(state)) {
      throw new HttpError(409, "task_final", `Task "${id}" is already ${state}`);
    }
    const reason = body.reason ?? "cancelled through the API";
    audit.detail.reason = reason;
    await scheduler.cancel([id], reason);
    log.info("task cancelled", { taskId: id, reason });
    return c.json({ taskId: id, state: "cancelled" as const });
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
    response: {
      status: 200,
      description: "The task is queued again",
      schema: taskRetriedSchema,
    },
    errors: [404, 409],
    audit: "task.retry",
  }, async (c, { params: { id }, audit }) => {
    const state = await stateOf(id);
    if (state !== "failed" && state !== "cancelled") {
      throw new HttpError(
        409,
        "task_not_retryable",
        `Task "${id}" is ${state}: only failed or cancelled tasks can be retried`,
      );
    }
    const { unblocked } = await scheduler.retry([id]);
    audit.detail.unblocked = unblocked.length;
    log.info("task retried", { taskId: id, unblocked: unblocked.length });
    return c.json({ taskId: id, state: await stateOf(id), unblocked: unblocked.length });
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
    response: {
      status: 200,
      description: "The task is done",
      schema: taskMarkedDoneSchema,
    },
    errors: [404, 409],
    audit: "task.mark_done",
  }, async (c, { params: { id }, body, token, audit }) => {
    audit.detail.reason = body.reason;
    const result = await scheduler.markDone(id, body.reason, token?.id ?? null);
    if (!result) throw new HttpError(404, "task_not_found", `Task "${id}" does not exist`);
    if (result.previous === "done") {
      throw new HttpError(409, "task_final", `Task "${id}" is already done`);
    }
    audit.detail.previous = result.previous;
    log.info("task marked done", { taskId: id, reason: body.reason, previous: result.previous });
    return c.json({ taskId: id, state: "done" as const, readied: result.readied });
  });

  async function stateOf(id: string): Promise<string> {
    const [row] = await scheduler.queue.read((db) =>
      db.all<{ state: string }>(sql`SELECT state FROM tasks WHERE id = ${id}`)
    );
    if (!row) throw new HttpError(404, "task_not_found", `Task "${id}" does not exist`);
    return row.state;
  }
}
