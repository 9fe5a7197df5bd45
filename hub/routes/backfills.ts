/**
 * Backfills: one run of a family per day over a date range, skipping the
 * days already complete, with at most `maxConcurrent` runs unfinished at
 * once (the hub submits the rest as runs end).
 */
import { z } from "zod";
import {
  backfillCreatedSchema,
  backfillListSchema,
  backfillStatusSchema,
} from "../../shared/api_schemas_backfills.ts";
import { RequestError } from "../core/request_error.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { backfillStatus, listBackfills } from "../queries/backfill_status.ts";

const createSchema = z.strictObject({
  family: z.string().min(1).max(100),
  /** First and last day, both included. */
  from: z.iso.date(),
  to: z.iso.date(),
  /** The parameter that takes each date; default the family's only `"format": "date"` one. */
  param: z.string().min(1).max(100).optional(),
  /** The other parameters, the same every day. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Most runs unfinished at once; no limit when left out. */
  maxConcurrent: z.int().min(1).max(100_000).optional(),
  priority: z.int().min(-1_000_000).max(1_000_000).optional(),
  version: z.int().min(1).optional(),
});

/** Backfills: create, list, inspect. */
export function backfillRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "post",
    path: "/api/backfills",
    tag: "backfills",
    summary: "Start a backfill",
    description: "One run of the family per day from `from` to `to`, skipping days already " +
      "complete, with at most `maxConcurrent` runs unfinished at once.",
    allow: OPERATE,
    body: createSchema,
    response: {
      status: 201,
      description: "The backfill was created",
      schema: backfillCreatedSchema,
    },
    audit: "backfill.create",
  }, async (c, { body, principal, audit }) => {
    audit.detail.family = body.family;
    const created = await core.runs.backfill({ ...body, submittedBy: principal?.name ?? null });
    audit.target = created.backfillId;
    Object.assign(audit.detail, { from: body.from, to: body.to, days: created.days });
    return c.json(created, 201);
  });

  api.route({
    method: "get",
    path: "/api/backfills",
    tag: "backfills",
    summary: "List backfills",
    allow: READ,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: { status: 200, description: "Backfills, newest first", schema: backfillListSchema },
  }, async (c, { query: { limit } }) => {
    return c.json({ backfills: await core.read((db) => listBackfills(db, limit)) });
  });

  api.route({
    method: "get",
    path: "/api/backfills/{id}",
    tag: "backfills",
    summary: "Get a backfill",
    description: "Its days, and the run of each day submitted so far.",
    allow: READ,
    params: z.object({ id: z.string().min(1).max(200) }),
    response: { status: 200, description: "The backfill", schema: backfillStatusSchema },
    errors: [404],
  }, async (c, { params: { id } }) => {
    const status = await core.read((db) => backfillStatus(db, id, { runs: true }));
    if (!status) {
      throw new RequestError(404, "backfill_not_found", `Backfill "${id}" does not exist`);
    }
    return c.json(status);
  });
}
