import { Hono } from "hono";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../http_error.ts";
import { DEFAULT_RESOURCE_LIMIT } from "../scheduler/claim_tasks.ts";
import { parseBody } from "./parse_body.ts";

const NAME = /^[a-z][a-z0-9_.\-]{0,62}$/;

/** Named global resources: limits set on the hub, and what running tasks hold now. */
export function resourceRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { queue } = deps.scheduler;

  app.get("/", async (c) => {
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

  app.put("/:name", async (c) => {
    const name = c.req.param("name");
    if (!NAME.test(name)) {
      throw new HttpError(
        400,
        "invalid_resource",
        `Invalid resource name "${name}": use a lowercase identifier`,
        {
          field: "name",
        },
      );
    }
    const body = await parseBody(c, z.strictObject({ limit: z.int().min(0).max(1_000_000) }));
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
  return app;
}
