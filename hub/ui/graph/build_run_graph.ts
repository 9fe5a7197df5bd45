/** A run's graph as `GET /api/runs/{id}/graph` answers it: grouped, then laid out. */
import type { RunGraph } from "../../../shared/api_schemas_graph.ts";
import type { RunGraphRows } from "../../queries/run_graph_rows.ts";
import { groupGraph, type GroupOptions } from "./group_graph.ts";
import { layoutGraph } from "./layout_graph.ts";

/** Groups and lays out the run's tasks and edges. */
export function buildRunGraph(rows: RunGraphRows, options: GroupOptions = {}): RunGraph {
  const grouped = groupGraph(rows, options);
  const laidOut = layoutGraph(grouped);
  return {
    runId: rows.runId,
    rootTaskId: rows.rootTaskId,
    total: rows.tasks.length,
    version: rows.version,
    expanded: grouped.expanded,
    ...laidOut,
  };
}
