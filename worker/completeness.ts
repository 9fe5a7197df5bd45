/** Luigi's completeness check, as the worker runs it while expanding and before a run. */
import type { AnyTaskInstance } from "../shared/task.ts";
import { outputList } from "./output_list.ts";

/**
 * Whether `instance` is complete: its `complete()` override, else every
 * output exists. A task with neither outputs nor override is never complete
 * by itself (wrappers are completed by the hub when their requirements are).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "../shared/mod.ts";
 * import { isComplete } from "./completeness.ts";
 * const W = defineTask({ family: "W", params: z.object({}) });
 * console.assert(await isComplete(W.of({})) === false);
 * ```
 */
export async function isComplete(instance: AnyTaskInstance): Promise<boolean> {
  const def = instance.family.definition;
  if (def.complete) return await def.complete(instance.params as never);
  const outputs = outputList(instance);
  if (outputs.length === 0) return false;
  for (const target of outputs) {
    if (!(await target.exists())) return false;
  }
  return true;
}
