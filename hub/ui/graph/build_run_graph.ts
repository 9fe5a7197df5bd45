/** A run's graph as `GET /api/runs/{id}/graph` answers it: grouped, labelled, then laid out. */
import type { RunGraph } from "../../../shared/api_schemas_graph.ts";
import type { RunGraphRows } from "../../queries/run_graph_rows.ts";
import { groupGraph, type GroupOptions } from "./group_graph.ts";
import { layoutGraph } from "./layout_graph.ts";
import { taskLabel } from "./task_label.ts";

/** Reads the stored params JSON of some tasks, by id. */
export type ParamsReader = (ids: readonly string[]) => Promise<Map<string, string>>;

/** Groups the run's tasks and edges, labels the tasks drawn with their params, lays it out. */
export async function buildRunGraph(
  rows: RunGraphRows,
  options: GroupOptions,
  paramsOf: ParamsReader,
): Promise<RunGraph> {
  const grouped = groupGraph(rows, options);
  const tasks = grouped.nodes.filter((n) => n.kind === "task");
  const params = await paramsOf(tasks.map((n) => n.id));
  for (const n of tasks) n.label = taskLabel(params.get(n.id) ?? "{}");
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
