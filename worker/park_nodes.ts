/**
 * What a parked run reports: the task itself, with its new dynamic
 * requirements as its dependencies, and as much of their graph as this
 * worker can expand.
 */
import type { ExpandNode } from "../shared/protocol.ts";
import type { AnyTaskInstance } from "../shared/task.ts";
import { expandLocally, type ExpandOptions } from "./expand.ts";

/** The nodes of a `task.park` frame for `task` waiting on `requirements`. */
export async function parkNodes(
  task: AnyTaskInstance,
  requirements: readonly AnyTaskInstance[],
  options: Pick<ExpandOptions, "families" | "labels" | "signal">,
): Promise<ExpandNode[]> {
  const nodes = new Map<string, ExpandNode>();
  nodes.set(task.id, {
    id: task.id,
    family: task.family.name,
    version: task.family.version,
    params: task.params,
    expanded: true,
    complete: false,
    external: false,
    deps: [...new Set(requirements.map((r) => r.id))],
  });
  for (const requirement of requirements) {
    if (nodes.has(requirement.id)) continue;
    for (const node of await expandLocally(requirement, { ...options, rootMayBeForeign: true })) {
      if (!nodes.has(node.id)) nodes.set(node.id, node);
    }
  }
  return [...nodes.values()];
}
