import { Hono } from "hono";
import { sql } from "drizzle-orm";
import { deadline } from "../../shared/deadline.ts";
import type { AppDeps } from "../app.ts";

/** `GET /healthz` (the process answers) and `GET /readyz` (the database answers). */
export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ ok: true, hubId: deps.scheduler.hubId }));
  app.get("/readyz", async (c) => {
    const started = performance.now();
    try {
      await deadline(
        deps.scheduler.queue.read((db) => db.run(sql`SELECT 1`)),
        2_000,
        "database check",
      );
      return c.json({
        ok: true,
        hubId: deps.scheduler.hubId,
        dbMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      return c.json({
        ok: false,
        hubId: deps.scheduler.hubId,
        error: { code: "database_unavailable", message: (error as Error).message },
      }, 503);
    }
  });
  return app;
}
