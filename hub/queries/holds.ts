/**
 * What holds ready tasks back besides the workers: pauses, families disabled
 * after failures, and resources at their limit. Read together, for the
 * starvation reasons the queue, the task page and the metrics show.
 */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { type PausedSets, pausedSets } from "./pauses.ts";
import { resourceLimits, resourcesInUse } from "./resources.ts";

/** Everything besides the workers that keeps a ready task from being leased. */
export interface Holds extends PausedSets {
  /** `name@version` of each family disabled after failures, and until when (ms). */
  disabledUntil: Map<string, number>;
  /** Limits set on the hub, by resource name (unset: the default limit). */
  resourceLimits: Map<string, number>;
  /** Units held by running tasks, by resource name. */
  resourcesInUse: Map<string, number>;
}

/** Reads the holds in force at `now`. */
export async function schedulingHolds(db: Reader, now: number): Promise<Holds> {
  const disabled = await db.all<{ family: string; until: number }>(sql`
    SELECT name || '@' || version AS family, disabled_until AS until FROM families
    WHERE disabled_until > ${now}`);
  return {
    ...await pausedSets(db),
    disabledUntil: new Map(disabled.map((d) => [d.family, Number(d.until)])),
    resourceLimits: await resourceLimits(db),
    resourcesInUse: await resourcesInUse(db),
  };
}

/** The resources a task holds while it runs, as SQL: only run tasks hold any. */
export const RUN_RESOURCES = sql.raw(`CASE WHEN kind = 'run' THEN resources ELSE '{}' END`);
