/** Where one task instance may be expanded and run. */
import { formatIssues } from "../shared/format_issues.ts";
import { type Selector, selectorSchema } from "../shared/selector.ts";
import type { AnyTaskInstance } from "../shared/task.ts";

/**
 * The pin of one task instance: its family's selector, or what the family's
 * pin function returns for the instance's parameters (checked, `TypeError`
 * naming the family when the function returns something that is not one).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "../shared/mod.ts";
 * import { pinOf } from "./pin_of.ts";
 * const Extract = defineTask({
 *   family: "Extract",
 *   params: z.object({ region: z.string() }),
 *   pin: ({ region }) => ({ region }),
 * });
 * console.assert(pinOf(Extract.of({ region: "eu-west" })).region === "eu-west");
 * ```
 */
export function pinOf(instance: AnyTaskInstance): Selector {
  const pin = instance.family.definition.pin;
  if (pin === undefined) return {};
  if (typeof pin !== "function") return pin;
  const result = selectorSchema.safeParse(pin(instance.params as never));
  if (!result.success) {
    throw new TypeError(
      `The pin function of task family "${instance.family.name}" returned an invalid selector: ${
        formatIssues(result.error.issues)
      }`,
    );
  }
  return result.data;
}
