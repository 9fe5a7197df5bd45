/**
 * The one door for task authors: defining task families, their targets,
 * the errors to throw, the abort reasons `ctx.signal` carries, data
 * contracts and a cancellable `delay`. Nothing here starts a worker (that is
 * `worker/mod.ts`, which re-exports this door, or `worker/process.ts`).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, LocalTarget, RetryableError } from "./mod.ts";
 * const Extract = defineTask({
 *   family: "Extract",
 *   params: z.object({ runDate: z.iso.date() }),
 *   output: ({ runDate }) => new LocalTarget(`/tmp/extract/${runDate}.json`),
 *   run: async (ctx, { runDate }) => {
 *     const res = await fetch(`http://127.0.0.1:1/${runDate}`, { signal: ctx.signal })
 *       .catch((cause) => {
 *         throw new RetryableError("the source is unreachable", { cause });
 *       });
 *     await ctx.outputs.write(await res.text());
 *   },
 * });
 * console.assert(Extract.of({ runDate: "2026-11-23" }).id.startsWith("Extract_"));
 * ```
 *
 * @module
 */
export { defineTask } from "./task.ts";
export type {
  BatchMember,
  Inputs,
  Outputs,
  Requirements,
  RetryPolicy,
  Staged,
  TaskContext,
  TaskDefinition,
  TaskFamily,
  TaskInstance,
} from "./task.ts";
export { atomicWrite, LocalTarget } from "./targets/local_target.ts";
export type { OutputData, StagedDescription, StagedOutput, Target } from "./targets/target.ts";
export {
  LeaseLostError,
  PermanentError,
  RetryableError,
  TaskCancelledError,
  TaskTimeoutError,
  WorkerShutdownError,
} from "./errors.ts";
export { readJsonLines, toJsonLines, validateJsonLines } from "./contract.ts";
export { delay } from "./delay.ts";
export type { Labels, Selector } from "./selector.ts";
