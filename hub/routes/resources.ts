/** Named global resources: limits set on the hub, and what running tasks hold now. */
import { z } from "zod";
import { resourceListSchema, resourceSetSchema } from "../../shared/api_schemas_admin.ts";
import { ADMIN, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { DEFAULT_RESOURCE_LIMIT, listResources } from "../queries/resources.ts";

const NAME = /^[a-z][a-z0-9_.\-]{0,62}$/;

/** Resources: list, set a limit. */
export function resourceRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "get",
    path: "/api/resources",
    tag: "resources",
    summary: "List resources",
    description: "Every named resource: its limit (set on the hub, or the default of " +
      `${DEFAULT_RESOURCE_LIMIT}) and how much running tasks hold now.`,
    allow: READ,
    response: { status: 200, description: "The resources", schema: resourceListSchema },
  }, async (c) => c.json({ resources: await core.read((db) => listResources(db)) }));

  api.route({
    method: "put",
    path: "/api/resources/{name}",
    tag: "resources",
    summary: "Set a resource limit",
    description: "At most `limit` units held by running tasks at once, across every hub. " +
      "Lowering it takes nothing back: tasks holding it finish.",
    allow: ADMIN,
    params: z.object({
      name: z.string().regex(NAME, "use a lowercase identifier").describe("e.g. `bigquery`"),
    }),
    body: z.strictObject({ limit: z.int().min(0).max(1_000_000) }),
    response: { status: 200, description: "The new limit", schema: resourceSetSchema },
    audit: "resource.set_limit",
  }, async (c, { params: { name }, body, audit }) => {
    audit.detail.limit = body.limit;
    await core.fleet.setResourceLimits({ [name]: body.limit });
    return c.json({ name, limit: body.limit });
  });
}
