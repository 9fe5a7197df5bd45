/** Queue depth: ready tasks per region and per (pin, family), with the reason any of them starve. */
import { sql } from "drizzle-orm";
import type { QueueDepth } from "../../shared/api_schemas_admin.ts";
import { describeSelector, parsePinKey } from "../../shared/selector.ts";
import type { Reader } from "../db/client.ts";
import { connectedWorkers } from "./connected_workers.ts";
import { RUN_RESOURCES, schedulingHolds } from "./holds.ts";
import { regionOf, unschedulableReason } from "./unschedulable.ts";

/** The queue as `GET /api/queue` shows it, deepest first. */
export async function queueDepth(db: Reader, now: number): Promise<QueueDepth> {
  // Tasks of one queue that hold different resources may starve for
  // different reasons: read them apart, then show one row per queue.
  const rows = await db.all<Row>(sql`
    SELECT pin, family, version, ${RUN_RESOURCES} AS resources, count(*) AS n
    FROM tasks WHERE state = 'ready'
    GROUP BY pin, family, version, 4`);
  const workers = await connectedWorkers(db);
  const holds = await schedulingHolds(db, now);
  const byRegion = new Map<string, number>();
  const queues = new Map<string, QueueDepth["queues"][number]>();
  for (const r of rows) {
    const region = regionOf(r.pin);
    byRegion.set(region, (byRegion.get(region) ?? 0) + r.n);
    const key = `${r.pin}\n${r.family}\n${r.version}`;
    const queue = queues.get(key) ?? {
      pin: describeSelector(parsePinKey(r.pin)),
      region,
      family: r.family,
      version: r.version,
      ready: 0,
      unschedulable: null,
    };
    queue.ready += r.n;
    queue.unschedulable ??= unschedulableReason(r, workers, holds);
    queues.set(key, queue);
  }
  return {
    regions: [...byRegion].map(([region, ready]) => ({ region, ready }))
      .sort((a, b) => b.ready - a.ready),
    queues: [...queues.values()].sort((a, b) => b.ready - a.ready),
  };
}

interface Row {
  pin: string;
  family: string;
  version: number;
  resources: string;
  n: number;
}
