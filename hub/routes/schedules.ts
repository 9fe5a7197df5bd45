/**
 * Schedules: a family's runs at the nominal times of a cron expression in an
 * IANA zone, or of a fixed interval, fired once per time by whichever hub
 * gets there first (`hub/ops/fire_schedules.ts`).
 */
import { z } from "zod";
import {
  createScheduleSchema,
  namedDeletedSchema,
  scheduleFiredSchema,
  scheduleListSchema,
  scheduleSchema,
} from "../../shared/api_schemas_schedules.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

const nameParams = z.object({ name: z.string().min(1).max(100) });

/** Schedules: create, list, get, pause, resume, trigger, delete. */
export function scheduleRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "post",
    path: "/api/schedules",
    tag: "schedules",
    summary: "Create a schedule",
    description: "Runs of a family at the nominal times of `cron` in `zone` (or every " +
      "`intervalMs`), with parameters set from each time (`timeParams`). Each nominal time " +
      "fires once across all hubs. `catchUp` says which times missed while the hubs were down " +
      "fire; `overlap` what a time does while the schedule's previous run is still going.",
    allow: OPERATE,
    body: createScheduleSchema,
    response: { status: 201, description: "The schedule was created", schema: scheduleSchema },
    errors: [409],
    audit: "schedule.create",
  }, async (c, { body, principal, audit }) => {
    audit.target = body.name;
    Object.assign(audit.detail, {
      family: body.family,
      cron: body.cron,
      intervalMs: body.intervalMs,
    });
    const created = await core.schedules.create({ ...body, createdBy: principal?.name ?? null });
    return c.json(created, 201);
  });

  api.route({
    method: "get",
    path: "/api/schedules",
    tag: "schedules",
    summary: "List schedules",
    description: "Every schedule, by name, with its next three nominal times.",
    allow: READ,
    response: { status: 200, description: "The schedules", schema: scheduleListSchema },
  }, async (c) => {
    return c.json({ schedules: await core.schedules.list() });
  });

  api.route({
    method: "get",
    path: "/api/schedules/{name}",
    tag: "schedules",
    summary: "Get a schedule",
    allow: READ,
    params: nameParams,
    response: { status: 200, description: "The schedule", schema: scheduleSchema },
    errors: [404],
  }, async (c, { params }) => {
    return c.json(await core.schedules.get(params.name));
  });

  api.route({
    method: "post",
    path: "/api/schedules/{name}/pause",
    tag: "schedules",
    summary: "Pause a schedule",
    description: "No nominal time fires until it is resumed; runs already going go on.",
    allow: OPERATE,
    params: nameParams,
    body: z.strictObject({ reason: z.string().max(500).optional() }),
    response: { status: 200, description: "The paused schedule", schema: scheduleSchema },
    errors: [404],
    audit: "schedule.pause",
  }, async (c, { params, body, audit }) => {
    audit.target = params.name;
    audit.detail.reason = body.reason ?? null;
    return c.json(await core.schedules.pause(params.name, body.reason ?? null));
  });

  api.route({
    method: "post",
    path: "/api/schedules/{name}/resume",
    tag: "schedules",
    summary: "Resume a schedule",
    description: "It goes on from now: the nominal times that passed while it was paused " +
      "do not fire.",
    allow: OPERATE,
    params: nameParams,
    response: { status: 200, description: "The resumed schedule", schema: scheduleSchema },
    errors: [404],
    audit: "schedule.resume",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    return c.json(await core.schedules.resume(params.name));
  });

  api.route({
    method: "post",
    path: "/api/schedules/{name}/trigger",
    tag: "schedules",
    summary: "Fire a schedule now",
    description: "A run for the nominal time now, paused or not, under the schedule's " +
      "overlap policy (`skip` answers `skipped` while a run of it is going).",
    allow: OPERATE,
    params: nameParams,
    response: { status: 200, description: "What firing did", schema: scheduleFiredSchema },
    errors: [404],
    audit: "schedule.trigger",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    const fired = await core.schedules.trigger(params.name);
    Object.assign(audit.detail, { outcome: fired.outcome, runId: fired.runId ?? null });
    return c.json({
      name: fired.name,
      nominalAt: fired.nominalAt,
      outcome: fired.outcome,
      ...(fired.runId ? { runId: fired.runId } : {}),
      ...(fired.reason ? { reason: fired.error ?? fired.reason } : {}),
    });
  });

  api.route({
    method: "delete",
    path: "/api/schedules/{name}",
    tag: "schedules",
    summary: "Delete a schedule",
    description: "Its runs stay, and keep its id.",
    allow: OPERATE,
    params: nameParams,
    response: {
      status: 200,
      description: "Deleted",
      schema: namedDeletedSchema,
    },
    errors: [404],
    audit: "schedule.delete",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    await core.schedules.delete(params.name);
    return c.json({ name: params.name, deleted: true as const });
  });
}
