/**
 * Errors as RFC 9457 problem details (`application/problem+json`), each
 * with a stable `code` that clients branch on (the `type` is its URN).
 */
import { type Problem, PROBLEM_TYPE } from "../../shared/api_schemas_admin.ts";
import type { RequestError } from "../core/request_error.ts";

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
export function toProblem(error: RequestError): Problem {
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
export function problemResponse(error: RequestError, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(toProblem(error)), {
    status: error.status,
    headers: { "content-type": PROBLEM_TYPE, ...headers },
  });
}
