/**
 * What `requires()` returned (one instance, a list or a named record), as the
 * runtime walks it: flattened for expansion and checks, or mapped in the same
 * shape for `ctx.inputs`.
 */
import type { AnyTaskInstance, Requirements } from "../shared/task.ts";

/**
 * Flattens what `requires()` returned into a list of instances.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "../shared/mod.ts";
 * import { requirementList } from "./requirements.ts";
 * const A = defineTask({ family: "A", params: z.object({ n: z.int() }) });
 * console.assert(requirementList({ x: A.of({ n: 1 }), y: A.of({ n: 2 }) }).length === 2);
 * ```
 */
export function requirementList(requirements: Requirements): AnyTaskInstance[] {
  if (requirements === undefined) return [];
  if (isInstance(requirements)) return [requirements];
  if (Array.isArray(requirements)) return [...requirements];
  return Object.values(requirements as Record<string, AnyTaskInstance>);
}

/**
 * Maps what `requires()` returned to the same shape with each instance replaced by `fn(instance)`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "../shared/mod.ts";
 * import { mapRequirements } from "./requirements.ts";
 * const A = defineTask({ family: "A", params: z.object({ n: z.int() }) });
 * const ids = mapRequirements({ x: A.of({ n: 1 }) }, (t) => t.id) as Record<string, string>;
 * console.assert(ids.x!.startsWith("A_1_"));
 * ```
 */
export function mapRequirements<T>(
  requirements: Requirements,
  fn: (instance: AnyTaskInstance) => T,
): T | T[] | Record<string, T> | undefined {
  if (requirements === undefined) return undefined;
  if (isInstance(requirements)) return fn(requirements);
  if (Array.isArray(requirements)) return requirements.map(fn);
  return Object.fromEntries(
    Object.entries(requirements as Record<string, AnyTaskInstance>).map(([k, v]) => [k, fn(v)]),
  );
}

function isInstance(value: unknown): value is AnyTaskInstance {
  return typeof value === "object" && value !== null && "family" in value && "id" in value &&
    "params" in value;
}
