/**
 * The states the hub stores and the API and CLI show: of a task, of a run,
 * of a backfill. One list each, imported by every side.
 *
 * @module
 */

/**
 * Task states. `ready` tasks wait for a lease; `blocked` ones wait on a
 * failed or cancelled requirement; `done`, `failed` and `cancelled` are final.
 *
 * @example
 * ```ts
 * import { TASK_STATES } from "./states.ts";
 * console.assert(TASK_STATES.includes("blocked"));
 * ```
 */
export const TASK_STATES = [
  "ready",
  "leased",
  "waiting",
  "done",
  "failed",
  "blocked",
  "cancelled",
] as const;

/**
 * A task state.
 *
 * @example
 * ```ts
 * import type { TaskState } from "./states.ts";
 * const s: TaskState = "done";
 * ```
 */
export type TaskState = (typeof TASK_STATES)[number];

/**
 * Run states: `running` is the only one not final. A run is done when its
 * root task is, failed when any of its tasks failed, cancelled when any was
 * cancelled (and none failed).
 *
 * @example
 * ```ts
 * import { RUN_STATES } from "./states.ts";
 * console.assert(RUN_STATES[0] === "running");
 * ```
 */
export const RUN_STATES = ["running", "done", "failed", "cancelled"] as const;

/**
 * A run state.
 *
 * @example
 * ```ts
 * import type { RunState } from "./states.ts";
 * const s: RunState = "failed";
 * ```
 */
export type RunState = (typeof RUN_STATES)[number];

/**
 * Backfill states: `done` when every day not skipped is done, `failed` when
 * every day's run has ended and any did not end done.
 *
 * @example
 * ```ts
 * import { BACKFILL_STATES } from "./states.ts";
 * console.assert(BACKFILL_STATES.length === 3);
 * ```
 */
export const BACKFILL_STATES = ["running", "done", "failed"] as const;

/**
 * A backfill state.
 *
 * @example
 * ```ts
 * import type { BackfillState } from "./states.ts";
 * const s: BackfillState = "running";
 * ```
 */
export type BackfillState = (typeof BACKFILL_STATES)[number];
