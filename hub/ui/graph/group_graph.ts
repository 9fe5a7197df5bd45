/**
 * A run's graph made small enough to draw: the tasks of one family at one
 * depth collapse into a group once there are more than `groupThreshold` of
 * them, or while the graph has more than `maxNodes` visible nodes (largest
 * first); when that is still too many (long chains: one task per depth),
 * depths are merged into bands of 2, 4, 8… per family. The root stays a
 * task. (A run with more families-at-depth than `maxNodes` still shows one
 * group each.) An expanded group draws its first `pageSize` members (failed,
 * blocked, cancelled and running ones first) and one `more` node for the
 * rest. Edges between visible nodes are deduplicated and counted.
 *
 * Pure: no database, no layout. Task nodes' labels are left empty (they
 * need the parameters, read for the drawn tasks only).
 */
import type { StateCounts } from "../../../shared/api_schemas_graph.ts";
import type { TaskState } from "../../../shared/states.ts";
import type { RunGraphRows } from "../../queries/run_graph_rows.ts";

/** How small the graph must get. */
export interface GroupOptions {
  /** A family at a depth with more tasks than this is a group. Default 12. */
  groupThreshold?: number;
  /** Collapse more until at most this many nodes are visible (before expansions). Default 300. */
  maxNodes?: number;
  /** Members an expanded group draws one by one. Default 50. */
  pageSize?: number;
  /** Group ids to draw expanded. */
  expand?: ReadonlySet<string>;
}

/** A node before layout. */
export interface GroupedNode {
  id: string;
  /** A task's parameters (filled in later), or what a group or more node holds. */
  kind: "task" | "group" | "more";
  family: string;
  label: string;
  depth: number;
  group: string | null;
  state: TaskState | null;
  counts: StateCounts | null;
  size: number;
}

/** An edge between visible nodes, from the requirement to what needs it. */
export interface GroupedEdge {
  from: string;
  to: string;
  count: number;
}

/** The graph to lay out. */
export interface GroupedGraph {
  nodes: GroupedNode[];
  edges: GroupedEdge[];
  /** The expanded groups (of those asked for, the ones that exist). */
  expanded: string[];
}

type Task = RunGraphRows["tasks"][number];

interface Bucket {
  id: string;
  family: string;
  depth: number;
  tasks: Task[];
}

/** Which members of an expanded group are drawn first. */
const SHOW_FIRST: Partial<Record<TaskState, number>> = {
  failed: 0,
  blocked: 1,
  cancelled: 2,
  leased: 3,
};

/** Groups `rows` for drawing. */
export function groupGraph(rows: RunGraphRows, options: GroupOptions = {}): GroupedGraph {
  const threshold = options.groupThreshold ?? 12;
  const maxNodes = options.maxNodes ?? 300;
  const pageSize = options.pageSize ?? 50;
  const expand = options.expand ?? new Set<string>();
  const depths = depthsFrom(rows);
  const others = rows.tasks.filter((t) => t.id !== rows.rootTaskId);
  const root = rows.tasks.find((t) => t.id === rows.rootTaskId);

  let buckets = bucketsOf(others, depths, 1);
  let collapsed = new Set(buckets.filter((b) => b.tasks.length > threshold).map((b) => b.id));
  let visible = 1 + buckets.reduce((n, b) => n + (collapsed.has(b.id) ? 1 : b.tasks.length), 0);
  for (const b of [...buckets].sort((x, y) => y.tasks.length - x.tasks.length)) {
    if (visible <= maxNodes || b.tasks.length < 2) break;
    if (collapsed.has(b.id)) continue;
    collapsed.add(b.id);
    visible -= b.tasks.length - 1;
  }
  let deepest = 0;
  for (const d of depths.values()) deepest = Math.max(deepest, d);
  for (let band = 2; visible > maxNodes && band <= 2 * deepest; band *= 2) {
    buckets = bucketsOf(others, depths, band);
    collapsed = new Set(buckets.filter((b) => b.tasks.length > 1).map((b) => b.id));
    visible = 1 + buckets.length;
  }

  const nodes: GroupedNode[] = [];
  const nodeOf = new Map<string, string>();
  if (root) {
    nodes.push(taskNode(root, 0, null));
    nodeOf.set(root.id, root.id);
  }
  const expanded: string[] = [];
  for (const b of buckets) {
    if (!collapsed.has(b.id)) {
      for (const t of b.tasks) {
        nodes.push(taskNode(t, depths.get(t.id) ?? 0, null));
        nodeOf.set(t.id, t.id);
      }
    } else if (!expand.has(b.id)) {
      nodes.push(setNode("group", b.id, b, b.tasks, null));
      for (const t of b.tasks) nodeOf.set(t.id, b.id);
    } else {
      expanded.push(b.id);
      const ordered = [...b.tasks].sort(showOrder);
      for (const t of ordered.slice(0, pageSize)) {
        nodes.push(taskNode(t, depths.get(t.id) ?? 0, b.id));
        nodeOf.set(t.id, t.id);
      }
      const rest = ordered.slice(pageSize);
      if (rest.length > 0) {
        const moreId = `m:${b.id.slice(2)}`;
        nodes.push(setNode("more", moreId, b, rest, b.id));
        for (const t of rest) nodeOf.set(t.id, moreId);
      }
    }
  }

  const edgeCounts = new Map<string, GroupedEdge>();
  for (const [task, dep] of rows.edges) {
    const from = nodeOf.get(dep);
    const to = nodeOf.get(task);
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}\n${to}`;
    const edge = edgeCounts.get(key);
    if (edge) edge.count++;
    else edgeCounts.set(key, { from, to, count: 1 });
  }
  return { nodes, edges: [...edgeCounts.values()], expanded };
}

/** Fewest edges from the root to each task (a breadth-first walk down the requirements). */
export function depthsFrom(rows: RunGraphRows): Map<string, number> {
  const deps = new Map<string, string[]>();
  for (const [task, dep] of rows.edges) {
    const list = deps.get(task);
    if (list) list.push(dep);
    else deps.set(task, [dep]);
  }
  const depths = new Map<string, number>([[rows.rootTaskId, 0]]);
  let frontier = [rows.rootTaskId];
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const dep of deps.get(id) ?? []) {
        if (depths.has(dep)) continue;
        depths.set(dep, depth);
        next.push(dep);
      }
    }
    frontier = next;
  }
  return depths;
}

/** Tasks by family and band of depths, ordered by depth, family, then first id. */
function bucketsOf(tasks: readonly Task[], depths: Map<string, number>, band: number): Bucket[] {
  const byKey = new Map<string, Bucket>();
  for (const t of tasks) {
    const depth = depths.get(t.id) ?? 0;
    const from = band === 1 ? depth : Math.floor(depth / band) * band;
    const id = band === 1 ? `g:${t.family}:${depth}` : `g:${t.family}:${from}-${from + band - 1}`;
    const bucket = byKey.get(id);
    if (bucket) {
      bucket.tasks.push(t);
      bucket.depth = Math.min(bucket.depth, depth);
    } else byKey.set(id, { id, family: t.family, depth, tasks: [t] });
  }
  for (const b of byKey.values()) b.tasks.sort((x, y) => compare(x.id, y.id));
  return [...byKey.values()].sort((x, y) =>
    x.depth - y.depth || compare(x.family, y.family) || compare(x.id, y.id)
  );
}

function taskNode(t: Task, depth: number, group: string | null): GroupedNode {
  return {
    id: t.id,
    kind: "task",
    family: t.family,
    label: "",
    depth,
    group,
    state: t.state,
    counts: null,
    size: 1,
  };
}

function setNode(
  kind: "group" | "more",
  id: string,
  bucket: Bucket,
  tasks: readonly Task[],
  group: string | null,
): GroupedNode {
  const counts: StateCounts = {};
  for (const t of tasks) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return {
    id,
    kind,
    family: bucket.family,
    label: kind === "group" ? `${tasks.length} tasks` : `+${tasks.length} more`,
    depth: bucket.depth,
    group,
    state: null,
    counts,
    size: tasks.length,
  };
}

function showOrder(x: Task, y: Task): number {
  return (SHOW_FIRST[x.state] ?? 9) - (SHOW_FIRST[y.state] ?? 9) || compare(x.id, y.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
