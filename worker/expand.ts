/**
 * Expansion on the worker: from one task, walk as much of its dependency
 * graph as this worker can see (families it runs, pins it matches), asking
 * each task whether it is complete and what it requires.
 */
import { PermanentError } from "../shared/errors.ts";
import type { ExpandNode } from "../shared/protocol.ts";
import { type Labels, matchesSelector } from "../shared/selector.ts";
import type { AnyTaskInstance, TaskFamily } from "../shared/task.ts";
import { isComplete } from "./completeness.ts";
import { pinOf } from "./pin_of.ts";
import { requirementList } from "./requirements.ts";

/** Completeness checks of one expansion in flight at once. */
const CHECKS_AT_ONCE = 64;

/** Options for {@link expandLocally}. */
export interface ExpandOptions {
  /** Families this worker runs, by `name@version`. */
  families: ReadonlyMap<string, TaskFamily>;
  labels: Labels;
  /**
   * Most tasks expanded in one lease; the rest are left for further expand
   * leases. Default 100,000: a big expansion goes to the hub in parts, so
   * the budget only bounds how long one lease walks the graph.
   */
  budget?: number;
  signal?: AbortSignal;
  /**
   * Let the root itself be unexpanded when this worker may not expand it
   * (dynamic requirements of another region); by default the root is always
   * expanded, because the hub leased it to this worker.
   */
  rootMayBeForeign?: boolean;
  /** The run chose the root's pin: expand it here whatever its own pin says. */
  rootPinnedByRun?: boolean;
}

/**
 * Expands `root` breadth first. A complete task is not looked into further
 * (its requirements do not matter, as in Luigi). Tasks this worker may not
 * expand are returned unexpanded, for a worker that can.
 *
 * @throws PermanentError on a dependency cycle.
 */
export async function expandLocally(
  root: AnyTaskInstance,
  options: ExpandOptions,
): Promise<ExpandNode[]> {
  const budget = options.budget ?? 100_000;
  const nodes = new Map<string, ExpandNode>();
  const queue: AnyTaskInstance[] = [root];
  const seen = new Set<string>([root.id]);
  let expanded = 0;
  for (let i = 0; i < queue.length;) {
    options.signal?.throwIfAborted();
    // Decided one by one in breadth-first order; the completeness checks of
    // a window (a file's stat, an object store's HEAD) wait together: one
    // after another, 100,000 of them took longer than the rest of the walk.
    const window = queue.slice(i, i + CHECKS_AT_ONCE).map((task) => {
      const family = options.families.get(`${task.family.name}@${task.family.version}`);
      const pin = pinOf(task);
      // The root was leased to this worker; but if its own pin (which may
      // depend on its params) excludes this worker, hand it back unexpanded:
      // complete() and requires() must look at data in the task's own region.
      const pinned = matchesSelector(options.labels, pin);
      const mayExpand = (task === root && !options.rootMayBeForeign &&
        (pinned || options.rootPinnedByRun === true)) ||
        (family !== undefined && expanded < budget && pinned);
      if (mayExpand) expanded++;
      return { task, pin, mayExpand };
    });
    i += window.length;
    const complete = await Promise.all(
      window.map((w) => w.mayExpand ? isComplete(w.task) : false),
    );
    window.forEach(({ task, pin, mayExpand }, k) => {
      const base = {
        id: task.id,
        family: task.family.name,
        version: task.family.version,
        params: task.params,
        external: false,
        pin,
      };
      if (!mayExpand) {
        nodes.set(task.id, { ...base, expanded: false, complete: false, deps: [] });
        return;
      }
      if (task.family.options.external) {
        // Not ours to run: report whether the data is there; the hub checks again later.
        nodes.set(task.id, {
          ...base,
          expanded: true,
          complete: complete[k]!,
          external: !complete[k],
          deps: [],
        });
        return;
      }
      if (complete[k]) {
        nodes.set(task.id, { ...base, expanded: true, complete: true, deps: [] });
        return;
      }
      const requirements = requirementList(task.family.definition.requires?.(task.params as never));
      const deps: string[] = [];
      for (const dep of requirements) {
        deps.push(dep.id);
        if (!seen.has(dep.id)) {
          seen.add(dep.id);
          queue.push(dep);
        }
      }
      nodes.set(task.id, { ...base, expanded: true, complete: false, deps: [...new Set(deps)] });
    });
  }
  const cycle = findCycle(nodes);
  if (cycle) {
    throw new PermanentError(`Dependency cycle: ${cycle.join(" → ")}`);
  }
  return [...nodes.values()];
}

function findCycle(nodes: ReadonlyMap<string, ExpandNode>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = finished
  for (const start of nodes.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = nodes.get(top.id)?.deps ?? [];
      if (top.next >= deps.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const dep = deps[top.next++]!;
      const s = state.get(dep);
      if (s === 1) {
        const from = stack.findIndex((f) => f.id === dep);
        return [...stack.slice(from).map((f) => f.id), dep];
      }
      if (s === undefined && nodes.has(dep)) {
        state.set(dep, 1);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return null;
}
