import { Hono } from "hono";
import { sql } from "drizzle-orm";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../http_error.ts";

/** Workers: every worker the hubs have seen, with its current leases. */
export function workerRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const rows = await deps.scheduler.queue.read((db) =>
      db.all<Record<string, unknown>>(sql`
        SELECT w.id, w.name, w.labels, w.version, w.slots, w.hub_id AS hubId, w.state,
          w.cordoned, w.draining,
          w.connected_at AS connectedAt, w.last_seen_at AS lastSeenAt,
          (SELECT count(*) FROM tasks t WHERE t.state = 'leased' AND t.lease_owner = w.id) AS leases
        FROM workers w ORDER BY w.state, w.name`)
    );
    return c.json({
      workers: rows.map((r) => ({
        ...r,
        labels: JSON.parse(String(r.labels)),
        cordoned: Boolean(r.cordoned),
        draining: Boolean(r.draining),
      })),
    });
  });

  for (const mode of ["cordon", "uncordon", "drain"] as const) {
    app.post(`/:id/${mode}`, async (c) => {
      const id = c.req.param("id");
      if (!(await deps.scheduler.setWorkerMode(id, mode))) {
        throw new HttpError(404, "worker_not_found", `Worker "${id}" does not exist`);
      }
      deps.log.info(`worker ${mode === "drain" ? "draining" : `${mode}ed`}`, { workerId: id });
      return c.json({ workerId: id, cordoned: mode !== "uncordon", draining: mode === "drain" });
    });
  }
  return app;
}
