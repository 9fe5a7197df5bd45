/** `GET /healthz` (the process answers) and `GET /readyz` (the database answers). */
import { healthSchema, readySchema } from "../../shared/api_schemas_admin.ts";
import { deadline } from "../../shared/deadline.ts";
import { RequestError } from "../core/request_error.ts";
import { PUBLIC } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { ping } from "../queries/ping.ts";

/** Liveness and readiness, for load balancers and orchestrators. */
export function healthRoutes(api: ApiRouter): void {
  const { core } = api.deps;
  api.route({
    method: "get",
    path: "/healthz",
    tag: "health",
    summary: "Liveness",
    description: "The process answers.",
    allow: PUBLIC,
    response: { status: 200, description: "Alive", schema: healthSchema },
  }, (c) => c.json({ ok: true, hubId: core.hubId }));
  api.route({
    method: "get",
    path: "/readyz",
    tag: "health",
    summary: "Readiness",
    description: "The database answers within 2 s (503 when it does not).",
    allow: PUBLIC,
    response: { status: 200, description: "Ready", schema: readySchema },
    errors: [503],
  }, async (c) => {
    const started = performance.now();
    try {
      await deadline(core.read((db) => ping(db)), 2_000, "database check");
    } catch (error) {
      throw new RequestError(
        503,
        "database_unavailable",
        `Hub ${core.hubId} cannot reach its database: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return c.json({ ok: true, hubId: core.hubId, dbMs: Math.round(performance.now() - started) });
  });
}
