/**
 * The answers of `GET /api/runs/{id}/graph` (a run's task graph, grouped and
 * laid out by the hub) and `GET /api/runs/{id}/timeline` (its attempts, for
 * a Gantt chart by worker and region). The hub describes its routes with
 * these schemas and the web UI parses what it receives with the same ones.
 * Objects are loose, as in `api_schemas.ts`.
 *
 * @module
 */
import { z } from "zod";
import { RUN_STATES, TASK_STATES } from "./states.ts";

/**
 * What a graph node stands for: one `task`; a `group` of the tasks of one
 * family at one depth (or a band of depths), collapsed; or `more`, the
 * members of an expanded group that are not drawn one by one.
 *
 * @example
 * ```ts
 * import { GRAPH_NODE_KINDS } from "./api_schemas_graph.ts";
 * console.assert(GRAPH_NODE_KINDS.includes("group"));
 * ```
 */
export const GRAPH_NODE_KINDS = ["task", "group", "more"] as const;

/**
 * Tasks per state (states with none may be left out).
 *
 * @example
 * ```ts
 * import { stateCountsSchema } from "./api_schemas_graph.ts";
 * stateCountsSchema.parse({ done: 3, ready: 1 });
 * ```
 */
export const stateCountsSchema = z.partialRecord(z.enum(TASK_STATES), z.int().min(0));

/** Tasks per state. */
export type StateCounts = z.output<typeof stateCountsSchema>;

/**
 * One laid-out node; `x`, `y` are its centre, in the graph's coordinates.
 *
 * @example
 * ```ts
 * import { graphNodeSchema } from "./api_schemas_graph.ts";
 * graphNodeSchema.parse({
 *   id: "A_1_ab", kind: "task", family: "A", label: "day=1", depth: 0, group: null,
 *   state: "done", counts: null, size: 1, x: 90, y: 20, width: 180, height: 40,
 * });
 * ```
 */
export const graphNodeSchema = z.looseObject({
  id: z.string().describe("A task id; `g:…` for a group; `m:…` for a group's undrawn members"),
  kind: z.enum(GRAPH_NODE_KINDS),
  family: z.string(),
  label: z.string().describe("A task's parameters, shortened; what a group or more node holds"),
  depth: z.int().min(0).describe("Fewest edges from the run's root (a group: its shallowest)"),
  group: z.string().nullable().describe("The expanded group a task or more node belongs to"),
  state: z.enum(TASK_STATES).nullable().describe("A task's state; null for group and more"),
  counts: stateCountsSchema.nullable().describe("A group's or more node's tasks per state"),
  size: z.int().min(1).describe("Tasks the node stands for"),
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
});

/** A laid-out node. */
export type GraphNode = z.output<typeof graphNodeSchema>;

/**
 * A laid-out edge from a requirement to the node that needs it (left to
 * right), with the route the layout drew.
 *
 * @example
 * ```ts
 * import { graphEdgeSchema } from "./api_schemas_graph.ts";
 * graphEdgeSchema.parse({ from: "g:B:1", to: "A_1_ab", count: 40, points: [{ x: 0, y: 0 }] });
 * ```
 */
export const graphEdgeSchema = z.looseObject({
  from: z.string().describe("The requirement's node"),
  to: z.string().describe("The node that requires it"),
  count: z.int().min(1).describe("Task edges this edge stands for"),
  points: z.array(z.looseObject({ x: z.number(), y: z.number() })),
});

/** A laid-out edge. */
export type GraphEdge = z.output<typeof graphEdgeSchema>;

/**
 * `GET /api/runs/{id}/graph`: the run's graph as drawn. `version` is the
 * newest event id when it was read (in the same statement): follow
 * `GET /api/events?run=…&after=<version>` to miss nothing and count nothing
 * twice.
 *
 * @example
 * ```ts
 * import { runGraphSchema } from "./api_schemas_graph.ts";
 * runGraphSchema.parse({
 *   runId: "run_a", rootTaskId: "A_1_ab", total: 1, version: 7, expanded: [],
 *   width: 180, height: 40, nodes: [], edges: [],
 * });
 * ```
 */
export const runGraphSchema = z.looseObject({
  runId: z.string(),
  rootTaskId: z.string(),
  total: z.int().describe("Tasks in the run"),
  version: z.int().min(0).describe("The newest event id included: resume events after it"),
  expanded: z.array(z.string()).describe("The groups drawn expanded (of those asked for)"),
  width: z.number(),
  height: z.number(),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
});

/** A run's laid-out graph. */
export type RunGraph = z.output<typeof runGraphSchema>;

/**
 * One attempt of one of the run's tasks.
 *
 * @example
 * ```ts
 * import { timelineAttemptSchema } from "./api_schemas_graph.ts";
 * timelineAttemptSchema.parse({
 *   taskId: "A_1_ab", family: "A", kind: "run", attempt: 1, workerId: "w_1",
 *   workerName: "w1", region: "eu-west", startedAt: 1, endedAt: 2, outcome: "done",
 * });
 * ```
 */
export const timelineAttemptSchema = z.looseObject({
  taskId: z.string(),
  family: z.string(),
  kind: z.enum(["expand", "run"]),
  attempt: z.int(),
  workerId: z.string(),
  workerName: z.string().nullable(),
  region: z.string().nullable().describe("The worker's `region` label"),
  startedAt: z.int().describe("Milliseconds since the epoch, hub clock"),
  endedAt: z.int().nullable().describe("Null while it runs"),
  outcome: z.string().nullable().describe("done, failed, expired, released, parked, cancelled"),
});

/** An attempt on the timeline. */
export type TimelineAttempt = z.output<typeof timelineAttemptSchema>;

/**
 * `GET /api/runs/{id}/timeline`: the run's latest attempts, oldest first.
 *
 * @example
 * ```ts
 * import { runTimelineSchema } from "./api_schemas_graph.ts";
 * runTimelineSchema.parse({
 *   runId: "run_a", runState: "running", attempts: [], truncated: false, now: 0,
 * });
 * ```
 */
export const runTimelineSchema = z.looseObject({
  runId: z.string(),
  runState: z.enum(RUN_STATES).describe("While `running`, more attempts may come"),
  attempts: z.array(timelineAttemptSchema),
  truncated: z.boolean().describe("Older attempts were left out (`limit`)"),
  now: z.int().describe("The hub's clock: where attempts still running end"),
});

/** A run's timeline. */
export type RunTimeline = z.output<typeof runTimelineSchema>;
