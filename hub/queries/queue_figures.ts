/**
 * The queue as metrics see it at scrape time: a few grouped reads of the
 * database, shared by every hub (each hub reports the same figures).
 *
 * A task's region is what its pin asks of the `region` label (see
 * {@link regionOf}): `eu-west` for `{ region: "eu-west" }`, `a|b` for a list,
 * `any` for a task any worker may take.
 */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { connectedWorkers } from "./connected_workers.ts";
import { RUN_RESOURCES, schedulingHolds } from "./holds.ts";
import { regionOf, type UnschedulableCause, unschedulableCause } from "./unschedulable.ts";

/** States the queue gauges count. */
export type QueueState = "ready" | "leased" | "waiting";

/** The queue's figures. */
export interface QueueFigures {
  /** Tasks by state, region and family (only non-empty groups). */
  tasks: Array<{ state: QueueState; region: string; family: string; n: number }>;
  /** Per region with claimable ready tasks: since when the oldest has been claimable (ms). */
  oldestReadySince: Map<string, number>;
  /** Ready tasks no connected worker can take, by cause and region. */
  unschedulable: Array<{ cause: UnschedulableCause; region: string; n: number }>;
  /** Every family, and whether a version of it is disabled after failures now. */
  families: Array<{ family: string; disabled: boolean }>;
}

interface Row {
  state: QueueState;
  pin: string;
  family: string;
  version: number;
  resources: string;
  n: number;
  since: number | null;
}

/**
 * Reads the queue's figures at `now`. A ready task is claimable once past
 * its retry backoff; it has been queued since it became ready or since its
 * backoff ended, whichever is later.
 */
export async function queueFigures(db: Reader, now: number): Promise<QueueFigures> {
  const rows = await db.all<Row>(sql`
    SELECT state, pin, family, version, ${RUN_RESOURCES} AS resources, count(*) AS n,
      min(CASE WHEN state = 'ready' AND next_attempt_at <= ${now}
        THEN max(coalesce(ready_at, created_at), next_attempt_at) END) AS since
    FROM tasks WHERE state IN ('ready', 'leased', 'waiting')
    GROUP BY state, pin, family, version, 5`);
  const families = await db.all<{ family: string; disabled: number }>(sql`
    SELECT name AS family,
      max(CASE WHEN coalesce(disabled_until, 0) > ${now} THEN 1 ELSE 0 END) AS disabled
    FROM families GROUP BY name`);
  const ready = rows.filter((r) => r.state === "ready");
  const workers = ready.length > 0 ? await connectedWorkers(db) : [];
  const holds = ready.length > 0 ? await schedulingHolds(db, now) : undefined;

  const tasks = new Map<string, QueueFigures["tasks"][number]>();
  const oldestReadySince = new Map<string, number>();
  const unschedulable = new Map<string, QueueFigures["unschedulable"][number]>();
  for (const r of rows) {
    const region = regionOf(r.pin);
    const key = `${r.state}\n${region}\n${r.family}`;
    const group = tasks.get(key) ?? { state: r.state, region, family: r.family, n: 0 };
    group.n += r.n;
    tasks.set(key, group);
    if (r.state !== "ready") continue;
    if (r.since !== null) {
      oldestReadySince.set(region, Math.min(oldestReadySince.get(region) ?? r.since, r.since));
    }
    const starved = unschedulableCause(r, workers, holds);
    if (!starved) continue;
    const u = `${starved.cause}\n${region}`;
    const entry = unschedulable.get(u) ?? { cause: starved.cause, region, n: 0 };
    entry.n += r.n;
    unschedulable.set(u, entry);
  }
  return {
    tasks: [...tasks.values()],
    oldestReadySince,
    unschedulable: [...unschedulable.values()],
    families: families.map((f) => ({ family: f.family, disabled: Boolean(f.disabled) })),
  };
}
