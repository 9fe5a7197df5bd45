/** Workers: list; cordon, uncordon and drain by id or name. */
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ApiRouter } from "../http/router.ts";
import { OPERATE, READ } from "../http/roles.ts";
import { workerListSchema, workerModeSchema } from "../../shared/api_schemas_admin.ts";
import { HttpError } from "../http/http_error.ts";
import type { Scheduler } from "../core/scheduler.ts";

const MODES = {
  cordon: "Stop giving a worker new leases; its running tasks go on",
  uncordon: "Let a cordoned or draining worker take leases again",
  drain: "Cordon a worker, let its running tasks finish, then disconnect it for good",
} as const;

/** Workers: every worker the hubs have seen, with its current leases. */
export function workerRoutes(api: ApiRouter): void {
  const { scheduler, log } = api.deps;
  api.route({
    method: "get",
    path: "/api/workers",
    tag: "workers",
    summary: "List workers",
    description: "Every worker the hubs have seen, connected first, with its lease count.",
    allow: READ,
    response: {
      status: 200,
      description: "The workers",
      schema: workerListSchema,
    },
  }, async (c) => {
    const rows = await scheduler.queue.read((db) =>
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

  for (const [mode, summary] of Object.entries(MODES) as [keyof typeof MODES, string][]) {
    api.route({
      method: "post",
      path: `/api/workers/{worker}/${mode}`,
      tag: "workers",
      summary: `${mode.charAt(0).toUpperCase()}${mode.slice(1)} a worker`,
      description: `${summary}. The worker is given by id (\`w_…\`) or by name.`,
      allow: OPERATE,
      params: z.object({ worker: z.string().min(1).max(200).describe("Worker id or name") }),
      response: {
        status: 200,
        description: "The worker's new mode",
        schema: workerModeSchema,
      },
      errors: [404, 409],
      audit: `worker.${mode}`,
    }, async (c, { params, audit }) => {
      const id = await resolveWorker(scheduler, params.worker);
      audit.target = id;
      if (!(await scheduler.setWorkerMode(id, mode))) {
        throw new HttpError(404, "worker_not_found", `Worker "${id}" does not exist`);
      }
      log.info(`worker ${mode === "drain" ? "draining" : `${mode}ed`}`, { workerId: id });
      return c.json({ workerId: id, cordoned: mode !== "uncordon", draining: mode === "drain" });
    });
  }
}

/** The id of the worker given by id or by name (a connected one first). */
async function resolveWorker(scheduler: Scheduler, ref: string): Promise<string> {
  const rows = await scheduler.queue.read((db) =>
    db.all<{ id: string; name: string; state: string }>(
      sql`SELECT id, name, state FROM workers WHERE id = ${ref} OR name = ${ref}`,
    )
  );
  const byId = rows.find((r) => r.id === ref);
  if (byId) return byId.id;
  const connected = rows.filter((r) => r.state === "connected");
  const pick = connected.length > 0 ? connected : rows;
  if (pick.length === 1) return pick[0]!.id;
  if (pick.length === 0) {
    throw new HttpError(404, "worker_not_found", `No worker has the id or name "${ref}"`);
  }
  throw new HttpError(
    409,
    "worker_ambiguous",
    `${pick.length} workers are named "${ref}": give an id (${pick.map((r) => r.id).join(", ")})`,
  );
}
