/**
 * Visible starvation: why no connected worker can take a ready task.
 */
import {
  describeSelector,
  type Labels,
  matchesSelector,
  parsePinKey,
} from "../../shared/selector.ts";
import type { PausedSets } from "./pauses.ts";

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
  | "region_paused";

/**
 * The reason a ready task cannot be leased by any connected worker
 * ("no connected worker matches region=ap-south"), or null when one can.
 * With `paused`, a paused family or region counts too.
 */
export function unschedulableReason(
  task: { family: string; version: number; pin: string },
  workers: readonly WorkerSeen[],
  paused?: PausedSets,
): string | null {
  return unschedulableCause(task, workers, paused)?.reason ?? null;
}

/** As {@link unschedulableReason}, with the reason's cause. */
export function unschedulableCause(
  task: { family: string; version: number; pin: string },
  workers: readonly WorkerSeen[],
  paused?: PausedSets,
): { cause: UnschedulableCause; reason: string } | null {
  if (paused?.families.has(task.family)) {
    return { cause: "family_paused", reason: `family ${task.family} is paused` };
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
