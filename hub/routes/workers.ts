/** Workers: list; cordon, uncordon and drain by id or name. */
import { z } from "zod";
import { workerListSchema, workerModeSchema } from "../../shared/api_schemas_admin.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import type { WorkerMode } from "../ops/set_worker_mode.ts";
import { listWorkers } from "../queries/workers.ts";

const MODES: Record<WorkerMode, string> = {
  cordon: "Stop giving a worker new leases; its running tasks go on",
  uncordon: "Let a cordoned or draining worker take leases again",
  drain: "Cordon a worker, let its running tasks finish, then disconnect it for good",
};

/** Workers: every worker the hubs have seen, with its current leases. */
export function workerRoutes(api: ApiRouter): void {
  const { core } = api.deps;
  api.route({
    method: "get",
    path: "/api/workers",
    tag: "workers",
    summary: "List workers",
    description: "Every worker the hubs have seen, connected first, with its lease count.",
    allow: READ,
    response: { status: 200, description: "The workers", schema: workerListSchema },
  }, async (c) => c.json({ workers: await core.read((db) => listWorkers(db)) }));

  for (const [mode, summary] of Object.entries(MODES) as [WorkerMode, string][]) {
    api.route({
      method: "post",
      path: `/api/workers/{worker}/${mode}`,
      tag: "workers",
      summary: `${mode.charAt(0).toUpperCase()}${mode.slice(1)} a worker`,
      description: `${summary}. The worker is given by id (\`w_…\`) or by name.`,
      allow: OPERATE,
      params: z.object({ worker: z.string().min(1).max(200).describe("Worker id or name") }),
      response: { status: 200, description: "The worker's new mode", schema: workerModeSchema },
      errors: [404, 409],
      audit: `worker.${mode}`,
    }, async (c, { params, audit }) => {
      const result = await core.fleet.setWorkerMode(params.worker, mode);
      audit.target = result.workerId;
      return c.json(result);
    });
  }
}
