/**
 * Webhooks: operators create them (`POST /api/hooks`, the secret shown
 * once); a sender posts signed JSON deliveries to `/api/hooks/{name}`, each
 * starting one run, once per idempotency key.
 */
import { z } from "zod";
import {
  createHookSchema,
  hookCreatedSchema,
  hookDeliveredSchema,
  hookListSchema,
} from "../../shared/api_schemas_hooks.ts";
import { namedDeletedSchema } from "../../shared/api_schemas_schedules.ts";
import { SIGNATURE_HEADER } from "../core/hook_commands.ts";
import { readRawBody } from "../http/read_body.ts";
import { OPERATE, PUBLIC, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

const nameParams = z.object({ name: z.string().min(1).max(100) });

/** Webhooks: create, list, delete, and deliveries. */
export function hookRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "post",
    path: "/api/hooks",
    tag: "hooks",
    summary: "Create a webhook",
    description: "Deliveries to `/api/hooks/{name}` start runs of `family`, with `params` and " +
      "the payload's values at the `mapping` pointers. The answer holds the signing secret " +
      "(made when left out): it is shown this once.",
    allow: OPERATE,
    body: createHookSchema,
    response: { status: 201, description: "The hook, with its secret", schema: hookCreatedSchema },
    errors: [409],
    audit: "hook.create",
  }, async (c, { body, principal, audit }) => {
    audit.target = body.name;
    audit.detail.family = body.family;
    return c.json(await core.hooks.create({ ...body, createdBy: principal?.name ?? null }), 201);
  });

  api.route({
    method: "get",
    path: "/api/hooks",
    tag: "hooks",
    summary: "List webhooks",
    description: "Every hook, by name, without its secret.",
    allow: READ,
    response: { status: 200, description: "The hooks", schema: hookListSchema },
  }, async (c) => c.json({ hooks: await core.hooks.list() }));

  api.route({
    method: "delete",
    path: "/api/hooks/{name}",
    tag: "hooks",
    summary: "Delete a webhook",
    description: "Deliveries to it are refused from now on; its runs stay.",
    allow: OPERATE,
    params: nameParams,
    response: {
      status: 200,
      description: "Deleted",
      schema: namedDeletedSchema,
    },
    errors: [404],
    audit: "hook.delete",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    await core.hooks.delete(params.name);
    return c.json({ name: params.name, deleted: true as const });
  });

  api.route({
    method: "post",
    path: "/api/hooks/{name}",
    tag: "hooks",
    summary: "Deliver to a webhook",
    description: `No token: the body is a JSON payload signed with the hook's secret, in ` +
      `\`${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body>\` (GitHub's scheme). ` +
      "A delivery whose idempotency key was delivered before answers the first run " +
      "(`duplicate: true`) and starts none. A bad signature is a 403, a payload without a " +
      "mapped field or the key a 400; every delivery is audited.",
    allow: PUBLIC,
    params: nameParams,
    response: { status: 200, description: "The delivery's run", schema: hookDeliveredSchema },
    errors: [404],
    audit: "hook.deliver",
  }, async (c, { params, audit }) => {
    audit.target = params.name;
    const delivered = await core.hooks.deliver(
      params.name,
      await readRawBody(c),
      c.req.raw.headers,
    );
    Object.assign(audit.detail, {
      key: delivered.key,
      runId: delivered.runId,
      duplicate: delivered.duplicate,
    });
    return c.json(delivered);
  });
}
