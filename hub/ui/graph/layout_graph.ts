/**
 * Places a grouped graph with dagre, left to right: requirements on the
 * left, the run's root on the right. Node sizes are fixed per kind, so the
 * client draws each node in the box the layout gave it.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from "@dagrejs/dagre";
import type { GraphEdge, GraphNode } from "../../../shared/api_schemas_graph.ts";
import type { GroupedGraph, GroupedNode } from "./group_graph.ts";

/** Width and height of a node of each kind, in graph units (CSS pixels at zoom 1). */
export const NODE_SIZE: Record<GroupedNode["kind"], { width: number; height: number }> = {
  task: { width: 240, height: 44 },
  group: { width: 240, height: 60 },
  more: { width: 240, height: 60 },
};

/** A laid-out graph. */
export interface LaidOutGraph {
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Lays `graph` out left to right. */
export function layoutGraph(graph: GroupedGraph): LaidOutGraph {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 70, edgesep: 8, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { ...NODE_SIZE[n.kind] });
  for (const e of graph.edges) g.setEdge(e.from, e.to, { weight: 1 });
  dagre.layout(g);

  const nodes = graph.nodes.map((n): GraphNode => {
    const placed = g.node(n.id);
    const size = NODE_SIZE[n.kind];
    return { ...n, x: round(placed.x ?? 0), y: round(placed.y ?? 0), ...size };
  });
  const edges = graph.edges.map((e): GraphEdge => {
    const placed = g.edge(e.from, e.to);
    return {
      ...e,
      points: (placed?.points ?? []).map((p) => ({ x: round(p.x), y: round(p.y) })),
    };
  });
  const { width = 0, height = 0 } = g.graph();
  return { width: round(width), height: round(height), nodes, edges };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
