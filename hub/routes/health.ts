import { sql } from "drizzle-orm";
import { deadline } from "../../shared/deadline.ts";
import type { ApiRouter } from "../http/router.ts";
import { PUBLIC } from "../http/roles.ts";
import { problemResponse } from "../http/problem.ts";
import { healthSchema, readySchema } from "../../shared/api_schemas_admin.ts";
import { HttpError } from "../http/http_error.ts";

/** `GET /healthz` (the process answers) and `GET /readyz` (the database answers). */
export function healthRoutes(api: ApiRouter): void {
  const deps = api.deps;
  api.route({
    method: "get",
    path: "/healthz",
    tag: "health",
    summary: "Liveness",
    description: "The process answers.",
    allow: PUBLIC,
    response: { status: 200, description: "Alive", schema: healthSchema },
  }, (c) => c.json({ ok: true, hubId: deps.scheduler.hubId }));
  api.route({
    method: "get",
    path: "/readyz",
    tag: "health",
    summary: "Readiness",
    description: "The database answers within 2 s (503 when it does not).",
    allow: PUBLIC,
    response: {
      status: 200,
      description: "Ready",
      schema: readySchema,
    },
    errors: [503],
  }, async (c) => {
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
      return problemResponse(
        new HttpError(
          503,
          "database_unavailable",
          `Hub ${deps.scheduler.hubId} cannot reach its database: ${(error as Error).message}`,
        ),
      );
    }
  });
}
