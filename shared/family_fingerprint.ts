/**
 * A family's fingerprint: a hash over its code (the source of `run`,
 * `runBatch`, `requires`, `output`, `complete` and a pin function) and its
 * declaration (parameters, retry policy, options). Two workers advertising
 * one family and version with different fingerprints run different code
 * under one name: the hub shows that conflict.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical_json.ts";
import type { AnyTaskFamily } from "./task.ts";

const CODE = ["run", "runBatch", "requires", "output", "complete", "pin"] as const;

/**
 * The fingerprint of `family`: 16 hex characters, the same in every process
 * that loads the same code.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "./task.ts";
 * import { familyFingerprint } from "./family_fingerprint.ts";
 * const a = defineTask({ family: "A", params: z.object({}), run: async () => {} });
 * const b = defineTask({ family: "A", params: z.object({}), run: async () => { await 0; } });
 * console.assert(familyFingerprint(a) !== familyFingerprint(b));
 * ```
 */
export function familyFingerprint(family: AnyTaskFamily): string {
  const definition = family.definition as unknown as Record<string, unknown>;
  const code = Object.fromEntries(
    CODE.map((k) => [k, typeof definition[k] === "function" ? String(definition[k]) : null]),
  );
  return createHash("sha256")
    .update(canonicalJson({
      code,
      params: family.paramsJsonSchema,
      retry: family.retry,
      options: family.options,
      pin: typeof definition.pin === "function" ? null : definition.pin ?? null,
      hasRun: family.hasRun,
      timeoutMs: family.definition.timeoutMs ?? null,
    }))
    .digest("hex")
    .slice(0, 16);
}
