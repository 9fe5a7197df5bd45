/**
 * Errors as RFC 9457 problem details (`application/problem+json`), each
 * with a stable `code` that clients branch on (the `type` is its URN).
 */
import { z } from "zod";
import { HttpError } from "../http_error.ts";

/** The media type of every error the API returns. */
export const PROBLEM_TYPE = "application/problem+json";

/** The body of an error response. */
export const problemSchema = z.object({
  type: z.string().describe("`urn:drover:problem:<code>`"),
  title: z.string().describe("A short, fixed summary of the code"),
  status: z.int(),
  detail: z.string().describe("What went wrong in this request"),
  code: z.string().describe("Stable machine-readable code, e.g. `run_not_found`"),
  field: z.string().optional().describe("The request field at fault, when there is one"),
});

/** A problem body. */
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Body too large",
  415: "Unsupported media type",
  500: "Internal error",
  503: "Unavailable",
};

/** The problem body for an error. */
export function toProblem(error: HttpError): Problem {
  return {
    type: `urn:drover:problem:${error.code}`,
    title: TITLES[error.status] ?? "Error",
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
  };
}

/** The response for an error. */
export function problemResponse(error: HttpError, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(toProblem(error)), {
    status: error.status,
    headers: { "content-type": PROBLEM_TYPE, ...headers },
  });
}
