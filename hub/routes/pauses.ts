/** Pauses: while a family or a region is paused, nothing new of it starts; running work finishes. */
import { z } from "zod";
import {
  PAUSE_KINDS,
  pauseChangedSchema,
  pauseListSchema,
} from "../../shared/api_schemas_admin.ts";
import { optionalReasonSchema } from "../http/request_schemas.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { listPauses } from "../queries/pauses.ts";

const pauseParams = z.object({
  kind: z.enum(PAUSE_KINDS).describe(
    "`family`: its tasks (every version); `region`: workers whose `region` label is the value",
  ),
  value: z.string().min(1).max(200).describe("The family's name, or the region"),
});

/** Pauses: list, pause, resume. */
export function pauseRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "get",
    path: "/api/pauses",
    tag: "pauses",
    summary: "List pauses",
    allow: READ,
    response: { status: 200, description: "What is paused, newest first", schema: pauseListSchema },
  }, async (c) => c.json({ pauses: await core.read((db) => listPauses(db)) }));

  api.route({
    method: "put",
    path: "/api/pauses/{kind}/{value}",
    tag: "pauses",
    summary: "Pause a family or a region",
    description: "No new lease is granted for the family's tasks, or to workers in the region; " +
      "tasks already running finish. Pausing what is paused changes nothing.",
    allow: OPERATE,
    params: pauseParams,
    body: optionalReasonSchema,
    bodyOptional: true,
    response: { status: 200, description: "Paused", schema: pauseChangedSchema },
    audit: "pause.set",
  }, async (c, { params, body, principal, audit }) => {
    const added = await core.fleet.pause(
      params.kind,
      params.value,
      body.reason ?? null,
      principal!.id,
    );
    Object.assign(audit.detail, { reason: body.reason ?? null, changed: added });
    return c.json({ kind: params.kind, value: params.value, paused: true });
  });

  api.route({
    method: "delete",
    path: "/api/pauses/{kind}/{value}",
    tag: "pauses",
    summary: "Resume a family or a region",
    description: "Its tasks can be leased again. Resuming what is not paused changes nothing.",
    allow: OPERATE,
    params: pauseParams,
    response: { status: 200, description: "Resumed", schema: pauseChangedSchema },
    audit: "pause.clear",
  }, async (c, { params, audit }) => {
    audit.detail.changed = await core.fleet.resume(params.kind, params.value);
    return c.json({ kind: params.kind, value: params.value, paused: false });
  });
}
