/**
 * zod issues as one line of text, for errors that name the field at fault.
 *
 * @module
 */
import type { z } from "zod";

/**
 * Formats zod issues as `field: reason; other.field: reason`, one reason per field.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { formatIssues } from "./format_issues.ts";
 * const r = z.object({ n: z.number() }).safeParse({ n: "x" });
 * console.assert(!r.success && formatIssues(r.error.issues).startsWith("n: "));
 * ```
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  // One message per field: a date that fails both its format and its pattern says so once.
  const byField = new Map<string, string>();
  for (const i of issues) {
    const field = i.path.length ? i.path.join(".") : "(root)";
    if (!byField.has(field)) byField.set(field, i.message);
  }
  return [...byField].map(([field, message]) => `${field}: ${message}`).join("; ");
}
