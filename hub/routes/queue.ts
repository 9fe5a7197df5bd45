import { sql } from "drizzle-orm";
import { z } from "zod";
import { describeSelector, parsePinKey } from "../../shared/selector.ts";
import type { ApiRouter } from "../http/router.ts";
import { READ } from "../http/roles.ts";
import { connectedWorkers } from "../queries/connected_workers.ts";
import { pausedSets } from "../ops/set_pause.ts";
import { regionOf, unschedulableReason } from "../queries/unschedulable.ts";

/** Queue depth: ready tasks per region and per (pin, family), with the reason any of them starve. */
export function queueRoutes(api: ApiRouter): void {
  const deps = api.deps;
  api.route({
    method: "get",
    path: "/api/queue",
    tag: "queue",
    summary: "Queue depth",
    description: "Ready tasks per region and per (pin, family), and why any of them starve.",
    allow: READ,
    response: {
      status: 200,
      description: "The queue",
      schema: z.object({
        regions: z.array(z.object({ region: z.string(), ready: z.int() })),
        queues: z.array(z.looseObject({
          pin: z.string(),
          region: z.string(),
          family: z.string(),
          version: z.int(),
          ready: z.int(),
          unschedulable: z.string().nullable(),
        })),
      }),
    },
  }, async (c) => {
    const { rows, workers, paused } = await deps.scheduler.queue.read(async (db) => ({
      rows: await db.all<{ pin: string; family: string; version: number; n: number }>(sql`
        SELECT pin, family, version, count(*) AS n FROM tasks WHERE state = 'ready'
        GROUP BY pin, family, version ORDER BY n DESC`),
      workers: await connectedWorkers(db),
      paused: await pausedSets(db),
    }));
    const byRegion = new Map<string, number>();
    for (const r of rows) {
      const region = regionOf(r.pin);
      byRegion.set(region, (byRegion.get(region) ?? 0) + r.n);
    }
    return c.json({
      regions: [...byRegion].map(([region, ready]) => ({ region, ready })).sort((a, b) =>
        b.ready - a.ready
      ),
      queues: rows.map((r) => ({
        pin: describeSelector(parsePinKey(r.pin)),
        region: regionOf(r.pin),
        family: r.family,
        version: r.version,
        ready: r.n,
        unschedulable: unschedulableReason(r, workers, paused),
      })),
    });
  });
}
