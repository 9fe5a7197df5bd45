/**
 * Task states, as the hub stores them and the API and CLI show them.
 * `ready` tasks wait for a lease; `blocked` ones wait on a failed or
 * cancelled requirement; `done`, `failed` and `cancelled` are final.
 *
 * @example
 * ```ts
 * import { TASK_STATES } from "./task_states.ts";
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
 * import type { TaskState } from "./task_states.ts";
 * const s: TaskState = "done";
 * ```
 */
export type TaskState = (typeof TASK_STATES)[number];
