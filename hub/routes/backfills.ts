/**
 * Backfills: one run of a family per day over a date range, skipping the
 * days already complete, with at most `maxConcurrent` runs unfinished at
 * once (the scheduler submits the rest as runs end: `advanceBackfills`).
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { ApiRouter } from "../http/router.ts";
import { OPERATE, READ } from "../http/roles.ts";
import {
  backfillCreatedSchema,
  backfillListSchema,
  backfillStatusSchema,
} from "../../shared/api_schemas.ts";
import { HttpError } from "../http/http_error.ts";
import type { BackfillDay } from "../db/backfill_days.ts";
import { backfillStatus, listBackfills } from "../queries/backfill_status.ts";
import { findFamily } from "../core/find_family.ts";
import { chooseDateParam } from "../core/date_param.ts";
import { dateRange } from "../core/date_range.ts";

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
  const deps = api.deps;
  const { scheduler } = deps;

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
  }, async (c, { body, audit }) => {
    audit.detail.family = body.family;
    const family = await findFamily(scheduler, body.family, body.version);
    let param: string;
    let dates: string[];
    try {
      param = chooseDateParam(family.name, family.paramsSchema, body.param);
    } catch (error) {
      throw new HttpError(400, "invalid_param", (error as Error).message, { field: "param" });
    }
    if (Object.hasOwn(body.params, param)) {
      throw new HttpError(
        400,
        "invalid_params",
        `Parameter "${param}" takes each date of the backfill; leave it out of params`,
        { field: `params.${param}` },
      );
    }
    try {
      dates = dateRange(body.from, body.to);
    } catch (error) {
      const field = body.from > body.to ? "to" : "from";
      throw new HttpError(400, "invalid_range", (error as Error).message, { field });
    }
    const days: BackfillDay[] = dates.map((date) => {
      try {
        const parsed = scheduler.registry.parseSubmission(family, {
          ...body.params,
          [param]: date,
        });
        return { date, taskId: parsed.id, params: parsed.params };
      } catch (error) {
        const e = error as Error & { field?: string | null };
        throw new HttpError(400, "invalid_params", `${e.message} (for ${param} ${date})`, {
          field: e.field ?? "params",
        });
      }
    });
    const backfillId = `bf_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    const now = scheduler.now();
    const skipped = await scheduler.queue.write(async (tx) => {
      const done = await tx.all<{ id: string }>(sql`SELECT id FROM tasks
        WHERE state = 'done' AND id IN (SELECT value FROM json_each(${
        JSON.stringify(days.map((d) => d.taskId))
      }))`);
      const complete = new Set(done.map((r) => r.id));
      for (const d of days) if (complete.has(d.taskId)) d.skipped = true;
      await tx.run(sql`
        INSERT INTO backfills (id, family, version, param, params, dates, next_index,
          max_concurrent, priority, created_at)
        VALUES (${backfillId}, ${family.name}, ${family.version}, ${param},
          ${canonicalJson(body.params)}, ${JSON.stringify(days)}, 0, ${body.maxConcurrent ?? null},
          ${body.priority ?? family.priority}, ${now})`);
      return complete.size;
    });
    // The first days start now rather than at the next dispatch tick.
    await scheduler.advanceBackfills();
    const status = await scheduler.queue.read((db) => backfillStatus(db, backfillId));
    audit.target = backfillId;
    Object.assign(audit.detail, { from: body.from, to: body.to, days: days.length });
    deps.log.info("backfill submitted", {
      backfillId,
      family: family.name,
      from: body.from,
      to: body.to,
      days: days.length,
      skipped,
    });
    return c.json({
      backfillId,
      days: days.length,
      skipped,
      submitted: status?.submitted ?? 0,
    }, 201);
  });

  api.route({
    method: "get",
    path: "/api/backfills",
    tag: "backfills",
    summary: "List backfills",
    allow: READ,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: {
      status: 200,
      description: "Backfills, newest first",
      schema: backfillListSchema,
    },
  }, async (c, { query: { limit } }) => {
    const backfills = await scheduler.queue.read((db) => listBackfills(db, limit));
    return c.json({ backfills });
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
    const status = await scheduler.queue.read((db) => backfillStatus(db, id, { runs: true }));
    if (!status) throw new HttpError(404, "backfill_not_found", `Backfill "${id}" does not exist`);
    return c.json(status);
  });
}
