import type { FamilyInfo } from "./protocol.ts";
import { familyFingerprint } from "./family_fingerprint.ts";
import type { AnyTaskFamily } from "./task.ts";

/**
 * What a worker advertises about a family in its hello.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "./task.ts";
 * import { familyInfo } from "./family_info.ts";
 * const Ping = defineTask({ family: "Ping", params: z.object({}), run: async () => {} });
 * console.assert(familyInfo(Ping).hasRun === true);
 * ```
 */
export function familyInfo(family: AnyTaskFamily): FamilyInfo {
  return {
    name: family.name,
    version: family.version,
    description: family.definition.description,
    paramsSchema: family.paramsJsonSchema,
    // A per-task pin (a function) is sent with each task instead.
    pin: typeof family.definition.pin === "function" ? {} : family.definition.pin ?? {},
    retry: family.retry,
    hasRun: family.hasRun,
    priority: family.definition.priority ?? 0,
    timeoutMs: family.definition.timeoutMs,
    options: family.options,
    fingerprint: familyFingerprint(family),
  };
}
