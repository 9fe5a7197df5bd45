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
  if (paused?.families.has(task.family)) return `family ${task.family} is paused`;
  const open = workers.filter((w) => !w.cordoned);
  if (open.length === 0) {
    return workers.length === 0 ? "no worker is connected" : "every connected worker is cordoned";
  }
  const runs = open.filter((w) =>
    w.families.some((f) => f.startsWith(`${task.family}@${task.version}#`))
  );
  if (runs.length === 0) return `no connected worker runs ${task.family} version ${task.version}`;
  const pin = parsePinKey(task.pin);
  const able = runs.filter((w) => matchesSelector(w.labels, pin));
  if (able.length === 0) {
    return `no connected worker running ${task.family} matches ${describeSelector(pin)}`;
  }
  if (paused && able.every((w) => paused.regions.has(w.labels.region ?? ""))) {
    const regions = [...new Set(able.map((w) => w.labels.region))].sort().join(", ");
    return `every connected worker that can run it is in a paused region (${regions})`;
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
