import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ApiRouter } from "../http/router.ts";
import { ADMIN, READ } from "../http/roles.ts";
import { resourceListSchema, resourceSetSchema } from "../../shared/api_schemas_admin.ts";
import { DEFAULT_RESOURCE_LIMIT } from "../ops/claim_tasks.ts";

const NAME = /^[a-z][a-z0-9_.\-]{0,62}$/;

/** Named global resources: limits set on the hub, and what running tasks hold now. */
export function resourceRoutes(api: ApiRouter): void {
  const deps = api.deps;
  const { queue } = deps.scheduler;

  api.route({
    method: "get",
    path: "/api/resources",
    tag: "resources",
    summary: "List resources",
    description: "Every named resource: its limit (set on the hub, or the default of " +
      `${DEFAULT_RESOURCE_LIMIT}) and how much running tasks hold now.`,
    allow: READ,
    response: {
      status: 200,
      description: "The resources",
      schema: resourceListSchema,
    },
  }, async (c) => {
    const { limits, held, families } = await queue.read(async (db) => ({
      limits: await db.all<{ name: string; limit: number }>(
        sql`SELECT name, "limit" FROM resource_limits`,
      ),
      held: await db.all<{ resources: string }>(sql`
        SELECT resources FROM tasks WHERE state = 'leased' AND kind = 'run' AND resources != '{}'`),
      families: await db.all<{ options: string }>(sql`SELECT options FROM families`),
    }));
    const resources = new Map<
      string,
      { name: string; limit: number; inUse: number; configured: boolean }
    >();
    const entry = (name: string) => {
      let e = resources.get(name);
      if (!e) {
        e = { name, limit: DEFAULT_RESOURCE_LIMIT, inUse: 0, configured: false };
        resources.set(name, e);
      }
      return e;
    };
    for (const l of limits) Object.assign(entry(l.name), { limit: l.limit, configured: true });
    for (const f of families) {
      for (
        const name of Object.keys((JSON.parse(f.options).resources ?? {}) as Record<string, number>)
      ) entry(name);
    }
    for (const h of held) {
      for (const [name, n] of Object.entries(JSON.parse(h.resources) as Record<string, number>)) {
        entry(name).inUse += n;
      }
    }
    return c.json({
      resources: [...resources.values()].sort((a, b) => a.name.localeCompare(b.name)),
    });
  });

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
    response: {
      status: 200,
      description: "The new limit",
      schema: resourceSetSchema,
    },
    audit: "resource.set_limit",
  }, async (c, { params: { name }, body, audit }) => {
    audit.detail.limit = body.limit;
    const now = deps.scheduler.now();
    await queue.write((tx) =>
      tx.run(
        sql`INSERT INTO resource_limits (name, "limit", updated_at) VALUES (${name}, ${body.limit}, ${now})
        ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", updated_at = excluded.updated_at`,
      )
    );
    deps.scheduler.kick(true);
    deps.log.info("resource limit set", { resource: name, limit: body.limit });
    return c.json({ name, limit: body.limit });
  });
}
