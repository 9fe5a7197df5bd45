/** Reads the hub's error bodies: RFC 9457 problems (`shared/api_schemas_admin.ts`). */
import { problemSchema } from "../shared/api_schemas_admin.ts";

/** What the CLI reports of a problem. */
export interface ProblemReport {
  /** The stable code, e.g. `run_not_found`. */
  code: string;
  /** What went wrong in this request (the problem's `detail`). */
  message: string;
  /** The request field at fault, or null. */
  field: string | null;
}

/**
 * The code, message and field of a problem+json body, or null when the body
 * is not one (an HTML page from a proxy, say).
 */
export function problemOf(body: unknown): ProblemReport | null {
  const problem = problemSchema.safeParse(body);
  if (!problem.success) return null;
  const { code, detail, field } = problem.data;
  return { code, message: detail, field: field ?? null };
}
