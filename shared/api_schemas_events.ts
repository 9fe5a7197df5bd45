/**
 * The live event stream, `GET /api/events` (Server-Sent Events): what one
 * event says, per kind, and the `gap` notice. The hub describes its route
 * and tests its triggers with these schemas; the CLI and the web UI parse
 * what they receive with the same ones. Objects are loose: fields may be
 * added, never removed or retyped.
 *
 * @module
 */
import { z } from "zod";
import { RUN_STATES, TASK_STATES } from "./states.ts";

/**
 * Every kind of event, in the order the README lists them. A client should
 * pass over kinds it does not know: a newer hub may add some.
 *
 * @example
 * ```ts
 * import { EVENT_KINDS } from "./api_schemas_events.ts";
 * console.assert(EVENT_KINDS.includes("task.state"));
 * ```
 */
export const EVENT_KINDS = [
  "run.created",
  "run.state",
  "task.created",
  "task.state",
  "lease.expired",
  "worker.connected",
  "worker.disconnected",
  "worker.mode",
  "family.disabled",
] as const;

/**
 * A kind of event.
 *
 * @example
 * ```ts
 * import type { EventKind } from "./api_schemas_events.ts";
 * const kind: EventKind = "run.state";
 * ```
 */
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * The kinds that concern one task (`taskId` is set): what a run's stream
 * shows of the tasks in its graph.
 *
 * @example
 * ```ts
 * import { TASK_EVENT_KINDS } from "./api_schemas_events.ts";
 * console.assert(!TASK_EVENT_KINDS.includes("run.state"));
 * ```
 */
export const TASK_EVENT_KINDS: readonly EventKind[] = [
  "task.created",
  "task.state",
  "lease.expired",
];

const leaseKind = z.enum(["expand", "run"]).describe("expand: find requirements; run: run it");
const worker = {
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  hub: z.string().nullable().describe("The hub its socket is on"),
};

/**
 * The `data` of each kind of event.
 *
 * @example
 * ```ts
 * import { eventDataSchemas } from "./api_schemas_events.ts";
 * eventDataSchemas["run.state"].parse({ family: "Agg", from: "running", to: "done" });
 * ```
 */
export const eventDataSchemas = {
  "run.created": z.looseObject({ family: z.string(), to: z.enum(RUN_STATES) }),
  "run.state": z.looseObject({
    family: z.string(),
    from: z.enum(RUN_STATES),
    to: z.enum(RUN_STATES),
  }),
  "task.created": z.looseObject({ family: z.string(), to: z.enum(TASK_STATES), kind: leaseKind }),
  "task.state": z.looseObject({
    family: z.string(),
    from: z.enum(TASK_STATES),
    to: z.enum(TASK_STATES),
    kind: leaseKind,
    attempt: z.int(),
    epoch: z.int().describe("The fencing epoch of the task's latest lease"),
  }),
  "lease.expired": z.looseObject({ kind: leaseKind, attempt: z.int(), epoch: z.int() }),
  "worker.connected": z.looseObject(worker),
  "worker.disconnected": z.looseObject(worker),
  "worker.mode": z.looseObject({ name: z.string(), cordoned: z.boolean(), draining: z.boolean() }),
  "family.disabled": z.looseObject({
    family: z.string(),
    version: z.int(),
    until: z.int().describe("Milliseconds since the epoch, hub clock"),
  }),
} satisfies Record<EventKind, z.ZodType>;

/**
 * One event: the `data:` of an SSE message whose `id:` is its `id` and whose
 * `event:` is its `kind`. Ids increase in commit order across every hub.
 *
 * @example
 * ```ts
 * import { hubEventSchema } from "./api_schemas_events.ts";
 * const event = hubEventSchema.parse({
 *   id: 7, at: 1_795_000_000_000, atIso: "2026-11-18T10:13:20.000Z", kind: "run.state",
 *   runId: "run_a", taskId: "Agg_1_ab", workerId: null,
 *   data: { family: "Agg", from: "running", to: "done" },
 * });
 * console.assert(event.id === 7);
 * ```
 */
export const hubEventSchema = z.looseObject({
  id: z.int().min(1).describe("Increases in commit order; resume after it with Last-Event-ID"),
  at: z.int().describe("Milliseconds since the epoch, hub clock"),
  atIso: z.string().describe("`at` as an ISO 8601 UTC time"),
  kind: z.string().describe(`One of: ${EVENT_KINDS.join(", ")}`),
  runId: z.string().nullable().describe("Set on run.* events"),
  taskId: z.string().nullable().describe("The task; on run.* events the run's root task"),
  workerId: z.string().nullable().describe("The worker concerned (a task's lease owner)"),
  data: z.record(z.string(), z.unknown()).describe("What changed: see the kind's fields"),
});

/**
 * An event.
 *
 * @example
 * ```ts
 * import type { HubEvent } from "./api_schemas_events.ts";
 * const isDone = (e: HubEvent) => e.kind === "task.state" && e.data.to === "done";
 * ```
 */
export type HubEvent = z.output<typeof hubEventSchema>;

/**
 * The `data:` of an `event: gap` message, sent first when the stream cannot
 * start right after the id asked for: events after it were pruned
 * (retention), or the id is newer than any event of this database. The
 * stream then goes on from the oldest event kept (pruned) or the newest
 * (ahead); a gap message has no `id:`, so the client's last id stays put.
 *
 * @example
 * ```ts
 * import { eventGapSchema } from "./api_schemas_events.ts";
 * eventGapSchema.parse({ reason: "pruned", after: 3, resumedAfter: 120, message: "…" });
 * ```
 */
export const eventGapSchema = z.looseObject({
  reason: z.enum(["pruned", "ahead"]),
  after: z.int().describe("The id asked for"),
  resumedAfter: z.int().describe("The stream goes on with the events after this id"),
  message: z.string(),
});

/**
 * A gap notice.
 *
 * @example
 * ```ts
 * import type { EventGap } from "./api_schemas_events.ts";
 * const lost = (g: EventGap) => g.reason === "pruned";
 * ```
 */
export type EventGap = z.output<typeof eventGapSchema>;
