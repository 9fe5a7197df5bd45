/** The targets a task instance declares with `output()`, as the runtime reads them. */
import type { AnyTaskInstance, Outputs } from "../shared/task.ts";
import type { Target } from "../shared/targets/target.ts";

/**
 * The targets of `instance` as a flat list.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "../shared/mod.ts";
 * import { outputList } from "./output_list.ts";
 * const W = defineTask({ family: "W", params: z.object({}) });
 * console.assert(outputList(W.of({})).length === 0);
 * ```
 */
export function outputList(instance: AnyTaskInstance): Target[] {
  const out = instance.family.definition.output?.(instance.params as never) as Outputs;
  if (out === undefined) return [];
  if (isTarget(out)) return [out];
  return Object.values(out);
}

/**
 * Whether `value` is a {@link Target} (rather than a record of named targets).
 *
 * @example
 * ```ts
 * import { isTarget } from "./output_list.ts";
 * console.assert(!isTarget({}));
 * ```
 */
export function isTarget(value: unknown): value is Target {
  return typeof value === "object" && value !== null &&
    typeof (value as Target).exists === "function" &&
    typeof (value as Target).stage === "function";
}
