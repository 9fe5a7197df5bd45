/** The API's own description: the OpenAPI document and a page to browse it. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { VERSION } from "../../shared/version.ts";
import { DOCS_PAGE } from "../http/docs_page.ts";
import { PUBLIC } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

/** `GET /api/openapi.json` and `GET /api/docs`. */
export function metaRoutes(api: ApiRouter): void {
  api.route({
    method: "get",
    path: "/api/openapi.json",
    tag: "meta",
    summary: "This API's OpenAPI 3.1 description",
    allow: PUBLIC,
    response: {
      status: 200,
      description: "The OpenAPI document",
      schema: z.looseObject({ openapi: z.string() }),
    },
  }, (c) => c.json(openApiDocument(api.app)));

  api.route({
    method: "get",
    path: "/api/docs",
    tag: "meta",
    summary: "Browse this API",
    description: "An HTML page rendering `/api/openapi.json`.",
    allow: PUBLIC,
    response: {
      status: 200,
      description: "The page",
      schema: z.string(),
      mediaType: "text/html",
    },
  }, (c) => c.html(DOCS_PAGE));
}

/** The OpenAPI 3.1 document of `app`. */
export function openApiDocument(app: OpenAPIHono): Record<string, unknown> {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Drover hub API",
      version: VERSION,
      description: "Submit and follow runs, inspect and steer tasks, manage workers, " +
        "resources, pauses and tokens. Authenticate with `Authorization: Bearer drv_…`; each " +
        "operation lists the roles it allows. Errors are `application/problem+json` with a " +
        "stable `code`.",
    },
    security: [{ bearer: [] }],
  }) as unknown as Record<string, unknown>;
}
