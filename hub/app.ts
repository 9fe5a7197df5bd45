/**
 * The hub's HTTP app, built from its dependencies: health, the admin API
 * (described by OpenAPI at `/api/openapi.json`, browsable at `/api/docs`),
 * and the worker WebSocket.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { Logger } from "../shared/log.ts";
import { DOCS_PAGE } from "./http/docs_page.ts";
import { problemResponse } from "./http/problem.ts";
import { PUBLIC } from "./http/roles.ts";
import { ApiRouter } from "./http/router.ts";
import { HttpError } from "./http/http_error.ts";
import { auditRoutes } from "./routes/audit.ts";
import { backfillRoutes } from "./routes/backfills.ts";
import { familyRoutes } from "./routes/families.ts";
import { healthRoutes } from "./routes/health.ts";
import { pauseRoutes } from "./routes/pauses.ts";
import { queueRoutes } from "./routes/queue.ts";
import { resourceRoutes } from "./routes/resources.ts";
import { runRoutes } from "./routes/runs.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { workerRoutes } from "./routes/workers.ts";
import type { Scheduler } from "./core/scheduler.ts";
import { findToken } from "./ops/tokens.ts";
import { attachWorkerSession } from "./ws/worker_session.ts";
import { VERSION } from "../shared/version.ts";

/** What the app needs. */
export interface AppDeps {
  scheduler: Scheduler;
  log: Logger;
  /** Open worker sockets, so a shutting-down hub can close them. */
  sockets?: Set<WebSocket>;
  /** False while shutting down: new worker connections are refused. */
  accepting?: () => boolean;
  /** `token` (default): workers must present a worker token on the WebSocket. */
  workerAuth?: "token" | "none";
}

/** The app, and the router that declared its API routes. */
export interface HubApp {
  app: OpenAPIHono;
  api: ApiRouter;
}

/** Builds the Hono app. */
export function createApp(deps: AppDeps): OpenAPIHono {
  return createHubApp(deps).app;
}

/** Builds the Hono app and keeps its router (tests walk its route declarations). */
export function createHubApp(deps: AppDeps): HubApp {
  const app = new OpenAPIHono();
  const api = new ApiRouter(app, deps);
  healthRoutes(api);
  runRoutes(api);
  backfillRoutes(api);
  taskRoutes(api);
  familyRoutes(api);
  workerRoutes(api);
  resourceRoutes(api);
  pauseRoutes(api);
  queueRoutes(api);
  tokenRoutes(api);
  auditRoutes(api);

  api.route({
    method: "get",
    path: "/ws/worker",
    tag: "workers",
    summary: "Connect a worker",
    description: "The worker WebSocket (protocol v1, JSON frames; see DESIGN.md). Send " +
      "`Authorization: Bearer` with a worker token; the session is refused (close code 1008) " +
      "without one.",
    allow: PUBLIC,
    response: { status: 101, description: "Switching Protocols: the worker session begins" },
    errors: [503],
  }, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpError(400, "websocket_expected", "This endpoint speaks WebSocket only");
    }
    if (deps.accepting && !deps.accepting()) {
      throw new HttpError(503, "shutting_down", "This hub is shutting down; connect to another");
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const token = bearer
      ? await deps.scheduler.queue.read((db) => findToken(db, bearer))
      : undefined;
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
    deps.sockets?.add(socket);
    attachWorkerSession(socket, {
      scheduler: deps.scheduler,
      log: deps.log,
      onClose: () => deps.sockets?.delete(socket),
      auth: (deps.workerAuth ?? "token") === "none"
        ? { required: false }
        : token?.role === "worker"
        ? { required: true, token }
        : {
          required: true,
          refusal: !bearer
            ? "a worker token is required (Authorization: Bearer drv_…)"
            : token
            ? `a ${token.role} token cannot connect a worker`
            : "the worker token is unknown or revoked",
        },
    });
    return response;
  });

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
  }, (c) => c.json(openApiDocument(app)));

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

  app.notFound(() =>
    problemResponse(new HttpError(404, "not_found", "No such route: see /api/docs"))
  );
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      return problemResponse(
        error,
        error.status === 401 ? { "www-authenticate": 'Bearer realm="drover"' } : {},
      );
    }
    deps.log.error("request failed", { method: c.req.method, path: c.req.path, error });
    return problemResponse(new HttpError(500, "internal", "Internal error; see the hub's log"));
  });
  return { app, api };
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
