/**
 * Stream triggers: each message on a broker's subject (NATS JetStream)
 * starts a run of a family. Create, list, get, pause, resume, delete.
 */
import { z } from "zod";
import { namedDeletedSchema } from "../../shared/api_schemas_schedules.ts";
import {
  createTriggerSchema,
  triggerListSchema,
  triggerSchema,
} from "../../shared/api_schemas_triggers.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

const nameParams = z.object({ name: z.string().min(1).max(100) });

/** Stream triggers. */
export function triggerRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "post",
    path: "/api/triggers",
    tag: "triggers",
    summary: "Create a stream trigger",
    description: "Every hub consumes it (a durable consumer, made when missing): each " +
      "message starts a run of `family` with `params` and the payload's values at the " +
      "`mapping` pointers, and is acknowledged once the run is committed. A redelivered " +
      "message finds its run by key and makes no second.",
    allow: OPERATE,
    body: createTriggerSchema,
    response: { status: 201, description: "The trigger", schema: triggerSchema },
    errors: [409],
    audit: "trigger.create",
  }, async (c, { body, principal, audit }) => {
    audit.target = body.name;
    Object.assign(audit.detail, { family: body.family, kind: body.source.kind });
    return c.json(await core.triggers.create({ ...body, createdBy: principal?.name ?? null }), 201);
  });

  api.route({
    method: "get",
    path: "/api/triggers",
    tag: "triggers",
    summary: "List stream triggers",
    description: "Every trigger, by name, with its consumer's state on the hub that answers.",
    allow: READ,
    response: { status: 200, description: "The triggers", schema: triggerListSchema },
  }, async (c) => c.json({ triggers: await core.triggers.list() }));

  api.route({
    method: "get",
    path: "/api/triggers/{name}",
    tag: "triggers",
    summary: "Get a stream trigger",
    allow: READ,
    params: nameParams,
    response: { status: 200, description: "The trigger", schema: triggerSchema },
    errors: [404],
  }, async (c, { params }) => c.json(await core.triggers.get(params.name)));

  api.route({
    method: "post",
    path: "/api/triggers/{name}/pause",
    tag: "triggers",
    summary: "Pause a stream trigger",
    description: "Every hub stops consuming it (within a dispatch interval); its messages " +
      "wait on the broker. Runs already made go on.",
    allow: OPERATE,
    params: nameParams,
    body: z.strictObject({ reason: z.string().max(500).optional() }),
    response: { status: 200, description: "The paused trigger", schema: triggerSchema },
    errors: [404],
    audit: "trigger.pause",
  }, async (c, { params, body, audit }) => {
    audit.target = params.name;
    audit.detail.reason = body.reason ?? null;
    return c.json(await core.triggers.pause(params.name, body.reason ?? null));
  });

  api.route({
    method: "post",
    path: "/api/triggers/{name}/resume",
    tag: "triggers",
    summary: "Resume a stream trigger",
    description: "Consuming goes on from the first message not yet acknowledged: nothing " +
      "published while it was paused is lost.",
    allow: OPERATE,
    params: nameParams,
    response: { status: 200, description: "The resumed trigger", schema: triggerSchema },
    errors: [404],
    audit: "trigger.resume",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    return c.json(await core.triggers.resume(params.name));
  });

  api.route({
    method: "delete",
    path: "/api/triggers/{name}",
    tag: "triggers",
    summary: "Delete a stream trigger",
    description: "Every hub stops consuming it; its runs stay. The durable consumer the hub " +
      "named (`drover-<name>`) is deleted from the broker; one named in `source.durable` is " +
      "left for you.",
    allow: OPERATE,
    params: nameParams,
    response: { status: 200, description: "Deleted", schema: namedDeletedSchema },
    errors: [404],
    audit: "trigger.delete",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    await core.triggers.delete(params.name);
    return c.json({ name: params.name, deleted: true as const });
  });
}
