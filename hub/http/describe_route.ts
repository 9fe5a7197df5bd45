/** A route's declaration as an OpenAPI operation: roles, parameters, bodies, answers, errors. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import { PROBLEM_TYPE, problemSchema } from "../../shared/api_schemas_admin.ts";
import type { RouteSpec } from "./route_spec.ts";

/** Registers `spec` in the app's OpenAPI registry. */
export function describeRoute(app: OpenAPIHono, spec: RouteSpec): void {
  const problem = (description: string) => ({
    description,
    content: { [PROBLEM_TYPE]: { schema: problemSchema } },
  });
  const responses: Record<string, unknown> = {
    [spec.response.status]: {
      description: spec.response.description,
      ...(spec.response.schema
        ? {
          content: {
            [spec.response.mediaType ?? "application/json"]: { schema: spec.response.schema },
          },
        }
        : {}),
    },
  };
  if (spec.body || spec.query || spec.params) responses[400] = problem("Invalid request");
  if (spec.allow.length > 0) {
    responses[401] = problem("No token, or an unknown or revoked one");
    responses[403] = problem(`The token's role is not one of: ${spec.allow.join(", ")}`);
  }
  for (const status of spec.errors ?? []) {
    responses[status] = problem(
      status === 404
        ? "Not found"
        : status === 409
        ? "Conflict with the current state"
        : "Unavailable",
    );
  }
  if (spec.body) {
    responses[413] = problem("Body over 1 MiB");
    responses[415] = problem("Body is not application/json");
  }
  const rolesLine = spec.allow.length > 0
    ? `Roles: ${spec.allow.join(", ")}.`
    : "Public: no token needed.";
  app.openAPIRegistry.registerPath({
    method: spec.method,
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, rolesLine].filter(Boolean).join("\n\n"),
    security: spec.allow.length > 0 ? [{ bearer: [] }] : [],
    "x-drover-roles": [...spec.allow],
    ...(spec.audit ? { "x-drover-audit": spec.audit } : {}),
    request: {
      ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
      ...(spec.body
        ? {
          body: {
            required: !spec.bodyOptional,
            content: { "application/json": { schema: spec.body } },
          },
        }
        : {}),
    },
    // deno-lint-ignore no-explicit-any
    responses: responses as any,
  });
}
