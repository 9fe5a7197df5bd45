/** Runs: submit, list (filtered, cursor-paged), get, cancel, retry failed tasks. */
import { z } from "zod";
import {
  runCancelledSchema,
  runListSchema,
  runRetriedSchema,
  runStatusSchema,
  submittedSchema,
} from "../../shared/api_schemas.ts";
import { selectorSchema } from "../../shared/selector.ts";
import { RUN_STATES } from "../../shared/states.ts";
import { RequestError } from "../core/request_error.ts";
import { optionalReasonSchema } from "../http/request_schemas.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { decodeRunCursor, listRuns } from "../queries/list_runs.ts";
import { runStatus } from "../queries/run_status.ts";

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
  const { core } = api.deps;

  api.route({
    method: "post",
    path: "/api/runs",
    tag: "runs",
    summary: "Submit a run",
    description: "Submits a run of a family's latest (or given) version; its task id is derived " +
      "from the family and parameters, so tasks already done are not run again.",
    allow: OPERATE,
    body: submitSchema,
    response: { status: 201, description: "The run was submitted", schema: submittedSchema },
    audit: "run.submit",
  }, async (c, { body, principal, audit }) => {
    audit.detail.family = body.family;
    const run = await core.runs.submit({ ...body, submittedBy: principal?.name ?? null });
    audit.target = run.runId;
    audit.detail.taskId = run.taskId;
    return c.json(run, 201);
  });

  api.route({
    method: "get",
    path: "/api/runs",
    tag: "runs",
    summary: "List runs",
    description: "Newest first. A page with more runs after it has a `next` cursor: pass it " +
      "back as `cursor`.",
    allow: READ,
    query: listQuery,
    response: { status: 200, description: "A page of runs", schema: runListSchema },
  }, async (c, { query }) => {
    const after = query.cursor === undefined ? undefined : decodeRunCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new RequestError(
        400,
        "invalid_query",
        `Invalid query parameter "cursor": not a cursor`,
        {
          field: "cursor",
        },
      );
    }
    return c.json(await core.read((db) => listRuns(db, { ...query, after })));
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
    const status = await core.read((db) => runStatus(db, params.id));
    if (!status) throw new RequestError(404, "run_not_found", `Run "${params.id}" does not exist`);
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
    response: { status: 200, description: "What was cancelled", schema: runCancelledSchema },
    errors: [404],
    audit: "run.cancel",
  }, async (c, { params, body, audit }) => {
    const reason = body.reason ?? `run ${params.id} cancelled`;
    const result = await core.runs.cancelRun(params.id, reason);
    Object.assign(audit.detail, { reason, cancelled: result.cancelled });
    return c.json(result);
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
    response: { status: 200, description: "What was retried", schema: runRetriedSchema },
    errors: [404],
    audit: "run.retry",
  }, async (c, { params, audit }) => {
    const { runId, retried, unblocked } = await core.runs.retryRun(params.id);
    Object.assign(audit.detail, { retried: retried.length, unblocked: unblocked.length });
    return c.json({ runId, retried, unblocked: unblocked.length });
  });
}
