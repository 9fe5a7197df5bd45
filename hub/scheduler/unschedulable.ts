/**
 * Visible starvation: why no connected worker can take a ready task.
 */
import {
  describeSelector,
  type Labels,
  matchesSelector,
  parsePinKey,
} from "../../shared/selector.ts";

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
 */
export function unschedulableReason(
  task: { family: string; version: number; pin: string },
  workers: readonly WorkerSeen[],
): string | null {
  const open = workers.filter((w) => !w.cordoned);
  if (open.length === 0) {
    return workers.length === 0 ? "no worker is connected" : "every connected worker is cordoned";
  }
  const runs = open.filter((w) =>
    w.families.some((f) => f.startsWith(`${task.family}@${task.version}#`))
  );
  if (runs.length === 0) return `no connected worker runs ${task.family} version ${task.version}`;
  const pin = parsePinKey(task.pin);
  if (!runs.some((w) => matchesSelector(w.labels, pin))) {
    return `no connected worker running ${task.family} matches ${describeSelector(pin)}`;
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
