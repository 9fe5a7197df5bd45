/**
 * What task code sees while it runs: the context of `run` (`ctx`) and the
 * members of a batch run. Authors import these from `shared/mod.ts`.
 *
 * @module
 */
import type { Logger } from "./log.ts";
import type { Inputs, Outputs, Requirements, Staged } from "./task.ts";

/**
 * What a running task sees.
 *
 * @example
 * ```ts
 * import type { TaskContext } from "./task_context.ts";
 * async function body(ctx: TaskContext) {
 *   ctx.setStatus("downloading");
 *   await fetch("http://127.0.0.1:1/", { signal: ctx.signal }).catch(() => {});
 *   ctx.progress(0.5);
 * }
 * ```
 */
export interface TaskContext<O = Outputs, I = unknown> {
  /** This task's id. */
  readonly taskId: string;
  /**
   * Run leases this task has had, this one included: 1 on the first run, then
   * one more for each retry, each re-run after a park for dynamic
   * requirements, and each lease a worker handed back on shutdown.
   */
  readonly attempt: number;
  /** Aborts when the lease is lost, the task is cancelled or times out; pass it on. */
  readonly signal: AbortSignal;
  /** A logger whose lines carry `taskId`. */
  readonly log: Logger;
  /** Staged writers for this task's outputs (same shape as `output()`). */
  readonly outputs: Staged<O>;
  /** The outputs of this task's requirements (same shape as `requires()`). */
  readonly inputs: I;
  /** Sets a short status message, shown by the API. */
  setStatus(message: string): void;
  /** Reports progress as a fraction from 0 to 1. */
  progress(fraction: number): void;
  /**
   * Dynamic requirements, found while running. When they are all complete,
   * resolves with their outputs. Otherwise the attempt stops here (the call
   * never returns), the task gives up its slot and waits for them, then runs
   * again from the start, as in Luigi: write run() so that repeating the work
   * before this call is harmless.
   */
  requires<R extends Requirements>(requirements: R): Promise<Inputs<R>>;
}

/**
 * One member of a batch run: its params and its staged outputs.
 *
 * @example
 * ```ts
 * import type { BatchMember } from "./task_context.ts";
 * function days(members: BatchMember<{ day: string }>[]) {
 *   return members.map((m) => m.params.day);
 * }
 * ```
 */
export interface BatchMember<P, O = Outputs> {
  readonly taskId: string;
  readonly params: P;
  readonly outputs: Staged<O>;
}
