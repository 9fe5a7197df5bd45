/** Queue depth: ready tasks per region and per (pin, family), with the reason any of them starve. */
import { sql } from "drizzle-orm";
import type { QueueDepth } from "../../shared/api_schemas_admin.ts";
import { describeSelector, parsePinKey } from "../../shared/selector.ts";
import type { Reader } from "../db/client.ts";
import { connectedWorkers } from "./connected_workers.ts";
import { pausedSets } from "./pauses.ts";
import { regionOf, unschedulableReason } from "./unschedulable.ts";

/** The queue as `GET /api/queue` shows it, deepest first. */
export async function queueDepth(db: Reader): Promise<QueueDepth> {
  const rows = await db.all<{ pin: string; family: string; version: number; n: number }>(sql`
    SELECT pin, family, version, count(*) AS n FROM tasks WHERE state = 'ready'
    GROUP BY pin, family, version ORDER BY n DESC`);
  const workers = await connectedWorkers(db);
  const paused = await pausedSets(db);
  const byRegion = new Map<string, number>();
  for (const r of rows) {
    const region = regionOf(r.pin);
    byRegion.set(region, (byRegion.get(region) ?? 0) + r.n);
  }
  return {
    regions: [...byRegion].map(([region, ready]) => ({ region, ready }))
      .sort((a, b) => b.ready - a.ready),
    queues: rows.map((r) => ({
      pin: describeSelector(parsePinKey(r.pin)),
      region: regionOf(r.pin),
      family: r.family,
      version: r.version,
      ready: r.n,
      unschedulable: unschedulableReason(r, workers, paused),
    })),
  };
}
