/**
 * Visible starvation: why no connected worker can take a ready task.
 */
import {
  describeSelector,
  type Labels,
  matchesSelector,
  parsePinKey,
} from "../../shared/selector.ts";
import type { Holds } from "./holds.ts";
import type { PausedSets } from "./pauses.ts";
import { DEFAULT_RESOURCE_LIMIT } from "./resources.ts";

/** A worker as the starvation check sees it. */
export interface WorkerSeen {
  labels: Labels;
  /** `name@version#schemaHash` of each family it runs. */
  families: string[];
  cordoned: boolean;
}

/** Why no connected worker can take a ready task, as a metric label. */
export type UnschedulableCause =
  | "family_paused"
  | "no_worker"
  | "all_cordoned"
  | "no_family_worker"
  | "no_matching_worker"
  | "region_paused"
  | "family_disabled"
  | "resource_limit";

/** A ready task as the starvation check sees it. */
export interface TaskSeen {
  family: string;
  version: number;
  pin: string;
  /** The resources it holds while it runs (JSON, `{}` for none). */
  resources?: string;
}

/** What holds tasks back besides the workers: at least the pauses. */
export type HoldsSeen = PausedSets & Partial<Omit<Holds, keyof PausedSets>>;

/**
 * The reason a ready task cannot be leased by any connected worker
 * ("no connected worker matches region=ap-south"), or null when one can.
 * With `paused`, a paused family or region counts too.
 */
export function unschedulableReason(
  task: TaskSeen,
  workers: readonly WorkerSeen[],
  paused?: HoldsSeen,
): string | null {
  return unschedulableCause(task, workers, paused)?.reason ?? null;
}

/**
 * As {@link unschedulableReason}, with the reason's cause. The first hold
 * that applies wins, in this order: the family paused or disabled, the
 * workers (none, all cordoned, none running the family, none matching the
 * pin, all in paused regions), then a resource at its limit.
 */
export function unschedulableCause(
  task: TaskSeen,
  workers: readonly WorkerSeen[],
  paused?: HoldsSeen,
): { cause: UnschedulableCause; reason: string } | null {
  if (paused?.families.has(task.family)) {
    return { cause: "family_paused", reason: `family ${task.family} is paused` };
  }
  const disabledUntil = paused?.disabledUntil?.get(`${task.family}@${task.version}`);
  if (disabledUntil !== undefined) {
    return {
      cause: "family_disabled",
      reason: `family ${task.family} version ${task.version} is disabled after repeated ` +
        `failures until ${new Date(disabledUntil).toISOString()}`,
    };
  }
  const open = workers.filter((w) => !w.cordoned);
  if (open.length === 0) {
    return workers.length === 0
      ? { cause: "no_worker", reason: "no worker is connected" }
      : { cause: "all_cordoned", reason: "every connected worker is cordoned" };
  }
  const runs = open.filter((w) =>
    w.families.some((f) => f.startsWith(`${task.family}@${task.version}#`))
  );
  if (runs.length === 0) {
    return {
      cause: "no_family_worker",
      reason: `no connected worker runs ${task.family} version ${task.version}`,
    };
  }
  const pin = parsePinKey(task.pin);
  const able = runs.filter((w) => matchesSelector(w.labels, pin));
  if (able.length === 0) {
    return {
      cause: "no_matching_worker",
      reason: `no connected worker running ${task.family} matches ${describeSelector(pin)}`,
    };
  }
  if (paused && able.every((w) => paused.regions.has(w.labels.region ?? ""))) {
    const regions = [...new Set(able.map((w) => w.labels.region))].sort().join(", ");
    return {
      cause: "region_paused",
      reason: `every connected worker that can run it is in a paused region (${regions})`,
    };
  }
  return resourceHold(task, paused);
}

/** The resource a task waits for, if any is at its limit (or below what the task needs). */
function resourceHold(
  task: TaskSeen,
  holds?: HoldsSeen,
): { cause: UnschedulableCause; reason: string } | null {
  if (!holds?.resourceLimits || !task.resources || task.resources === "{}") return null;
  const needs = Object.entries(JSON.parse(task.resources) as Record<string, number>);
  for (const [name, n] of needs.sort(([a], [b]) => a.localeCompare(b))) {
    const limit = holds.resourceLimits.get(name) ?? DEFAULT_RESOURCE_LIMIT;
    const used = holds.resourcesInUse?.get(name) ?? 0;
    if (n > limit) {
      return {
        cause: "resource_limit",
        reason: `it needs ${n} of resource ${name}, more than its limit of ${limit}`,
      };
    }
    if (used + n > limit) {
      return {
        cause: "resource_limit",
        reason: `resource ${name} is at its limit (${used} of ${limit} in use, it needs ${n})`,
      };
    }
  }
  return null;
}

/** The region a pin names (a single value or a list), for queue depth per region. */
export function regionOf(pin: string, label = "region"): string {
  const req = parsePinKey(pin)[label];
  if (req === undefined) return "any";
  if (typeof req === "string") return req;
  if ("in" in req) return req.in.join("|");
  if ("notIn" in req) return `not ${req.notIn.join("|")}`;
  return req.exists ? "any labelled" : "unlabelled";
}
