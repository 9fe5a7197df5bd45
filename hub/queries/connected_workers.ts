import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import type { WorkerSeen } from "./unschedulable.ts";

/** Every connected worker (on any hub), as the starvation check sees it. */
export async function connectedWorkers(db: Reader): Promise<WorkerSeen[]> {
  const rows = await db.all<{ labels: string; families: string; cordoned: number }>(sql`
    SELECT labels, families, cordoned FROM workers WHERE state = 'connected'`);
  return rows.map((r) => ({
    labels: JSON.parse(r.labels),
    families: JSON.parse(r.families),
    cordoned: Boolean(r.cordoned),
  }));
}
