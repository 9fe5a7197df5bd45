/** Queue depth: ready tasks per region and per (pin, family), with the reason any of them starve. */
import { queueSchema } from "../../shared/api_schemas_admin.ts";
import { READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { queueDepth } from "../queries/queue_depth.ts";

/** `GET /api/queue`. */
export function queueRoutes(api: ApiRouter): void {
  const { core } = api.deps;
  api.route({
    method: "get",
    path: "/api/queue",
    tag: "queue",
    summary: "Queue depth",
    description: "Ready tasks per region and per (pin, family), and why any of them starve.",
    allow: READ,
    response: { status: 200, description: "The queue", schema: queueSchema },
  }, async (c) => c.json(await core.read((db) => queueDepth(db, core.now()))));
}
