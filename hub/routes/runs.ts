/** Runs: submit, list (filtered, cursor-paged), get, cancel, retry failed tasks. */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { selectorSchema } from "../../shared/selector.ts";
import type { ApiRouter } from "../http/router.ts";
import { OPERATE, READ } from "../http/roles.ts";
import { optionalReasonSchema } from "../http/request_schemas.ts";
import {
  runCancelledSchema,
  runListSchema,
  runRetriedSchema,
  runStatusSchema,
  submittedSchema,
} from "../../shared/api_schemas.ts";
import { RUN_STATES } from "../../shared/states.ts";
import { HttpError } from "../http/http_error.ts";
import { runStatus, runTaskIds } from "../queries/run_status.ts";
import { submitRun } from "../ops/submit_run.ts";
import { findFamily } from "../core/find_family.ts";
import { listRuns, storeFinalStates } from "../queries/list_runs.ts";

const submitSchema = z.strictObject({
  family: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).default({}),
  version: z.int().min(1).optional(),
  /** Higher runs first; everything the run needs inherits it. */
  priority: z.int().min(-1_000_000).max(1_000_000).optional(),
  /** Overrides the family's pin for the run's root task. */
  pin: selectorSchema.optional().describe(
    'Overrides the family\'s pin for the root task, e.g. {"region":"eu-west"}',
  ),
  /** Regions in order of preference: after `spillAfterMs` ready, the next may take the root task too. */
  prefer: z.strictObject({
    label: z.string().regex(/^[a-z][a-z0-9_.\-/]{0,62}$/).default("region"),
    values: z.array(z.string().min(1).max(200)).min(1).max(20),
    spillAfterMs: z.int().min(1).max(86_400_000),
  }).optional(),
}).refine((b) => !(b.pin && b.prefer), {
  message: "give pin or prefer, not both",
  path: ["prefer"],
});

const idParams = z.object({ id: z.string().min(1).max(200) });

const listQuery = z.object({
  state: z.enum(RUN_STATES).optional(),
  family: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional().describe("The `next` of the previous page"),
});

/** Runs: submit, list, inspect, cancel, retry. */
export function runRoutes(api: ApiRouter): void {
  const { scheduler, log } = api.deps;

  api.route({
    method: "post",
    path: "/api/runs",
    tag: "runs",
    summary: "Submit a run",
    description: "Submits a run of a family's latest (or given) version; its task id is derived " +
      "from the family and parameters, so tasks already done are not run again.",
    allow: OPERATE,
    body: submitSchema,
    response: {
      status: 201,
      description: "The run was submitted",
      schema: submittedSchema,
    },
    audit: "run.submit",
  }, async (c, { body, audit }) => {
    audit.detail.family = body.family;
    const family = await findFamily(scheduler, body.family, body.version);
    let parsed: { params: unknown; id: string };
    try {
      parsed = scheduler.registry.parseSubmission(family, body.params);
    } catch (error) {
      const e = error as Error & { field?: string | null };
      throw new HttpError(400, "invalid_params", e.message, { field: e.field ?? "params" });
    }
    const runId = `run_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    const now = scheduler.now();
    const result = await scheduler.queue.write((tx) =>
      submitRun(tx, {
        runId,
        taskId: parsed.id,
        family: family.name,
        version: family.version,
        params: parsed.params,
        families: scheduler.registry.defaults,
        priority: body.priority,
        pin: body.pin,
        prefer: body.prefer,
        now,
      })
    );
    scheduler.kick(true);
    audit.target = runId;
    audit.detail.taskId = parsed.id;
    log.info("run submitted", {
      runId,
      taskId: parsed.id,
      family: family.name,
      created: result.created,
    });
    return c.json({ runId, taskId: parsed.id, rootState: result.rootState }, 201);
  });

  api.route({
    method: "get",
    path: "/api/runs",
    tag: "runs",
    summary: "List runs",
    description: "Newest first. A full page has a `next` cursor: pass it back as `cursor`.",
    allow: READ,
    query: listQuery,
    response: {
      status: 200,
      description: "A page of runs",
      schema: runListSchema,
    },
  }, async (c, { query }) => {
    return c.json(await listRuns(scheduler, query));
  });

  api.route({
    method: "get",
    path: "/api/runs/{id}",
    tag: "runs",
    summary: "Get a run",
    description: "The run's state, task counts, execution summary, failed and blocked tasks.",
    allow: READ,
    params: idParams,
    response: { status: 200, description: "The run", schema: runStatusSchema },
    errors: [404],
  }, async (c, { params }) => {
    const status = await scheduler.queue.read((db) => runStatus(db, params.id));
    if (!status) throw new HttpError(404, "run_not_found", `Run "${params.id}" does not exist`);
    // Store the final state once, so listings need not derive it again.
    if (status.state !== "running") await storeFinalStates(scheduler, [status]);
    return c.json(status);
  });

  api.route({
    method: "post",
    path: "/api/runs/{id}/cancel",
    tag: "runs",
    summary: "Cancel a run",
    description: "Cancels every unfinished task of the run: running ones are told to stop and " +
      "publish nothing. Tasks shared with other runs are cancelled for those runs too.",
    allow: OPERATE,
    params: idParams,
    body: optionalReasonSchema,
    bodyOptional: true,
    response: {
      status: 200,
      description: "What was cancelled",
      schema: runCancelledSchema,
    },
    errors: [404],
    audit: "run.cancel",
  }, async (c, { params, body, audit }) => {
    const root = await rootOf(params.id);
    const ids = await scheduler.queue.read((db) =>
      db.all<{ id: string }>(sql`${runTaskIds(root)}`)
    );
    const reason = body.reason ?? `run ${params.id} cancelled`;
    const { cancelled } = await scheduler.cancel(ids.map((r) => r.id), reason);
    Object.assign(audit.detail, { reason, cancelled: cancelled.length });
    log.info("run cancelled", { runId: params.id, cancelled: cancelled.length, reason });
    return c.json({ runId: params.id, cancelled: cancelled.length });
  });

  api.route({
    method: "post",
    path: "/api/runs/{id}/retry",
    tag: "runs",
    summary: "Retry a run's failed tasks",
    description: "Puts the run's failed and cancelled tasks back in the queue with their " +
      "attempts reset, and unblocks what waited on them.",
    allow: OPERATE,
    params: idParams,
    response: {
      status: 200,
      description: "What was retried",
      schema: runRetriedSchema,
    },
    errors: [404],
    audit: "run.retry",
  }, async (c, { params, audit }) => {
    const root = await rootOf(params.id);
    const { retried, unblocked } = await scheduler.retryRun(root);
    await scheduler.queue.write((tx) =>
      tx.run(sql`UPDATE runs SET state = 'running', finished_at = NULL WHERE id = ${params.id}`)
    );
    Object.assign(audit.detail, { retried: retried.length, unblocked: unblocked.length });
    log.info("run retried", { runId: params.id, retried: retried.length });
    return c.json({ runId: params.id, retried, unblocked: unblocked.length });
  });

  async function rootOf(runId: string): Promise<string> {
    const [run] = await scheduler.queue.read((db) =>
      db.all<{ root_task_id: string }>(sql`SELECT root_task_id FROM runs WHERE id = ${runId}`)
    );
    if (!run) throw new HttpError(404, "run_not_found", `Run "${runId}" does not exist`);
    return run.root_task_id;
  }
}
