/**
 * The hub's HTTP app, built from its dependencies: health, the admin API
 * (described by OpenAPI at `/api/openapi.json`, browsable at `/api/docs`),
 * the worker WebSocket, and the web UI (`/ui`).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Logger } from "../shared/log.ts";
import { defaultUiConfig, type UiConfig } from "./config.ts";
import type { HubCore } from "./core/hub_core.ts";
import { RequestError } from "./core/request_error.ts";
import { problemResponse } from "./http/problem.ts";
import { ApiRouter } from "./http/router.ts";
import { auditRoutes } from "./routes/audit.ts";
import { backfillRoutes } from "./routes/backfills.ts";
import { scheduleRoutes } from "./routes/schedules.ts";
import { hookRoutes } from "./routes/hooks.ts";
import { triggerRoutes } from "./routes/triggers.ts";
import { eventRoutes } from "./routes/events.ts";
import { familyRoutes } from "./routes/families.ts";
import { healthRoutes } from "./routes/health.ts";
import { metaRoutes } from "./routes/meta.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { pauseRoutes } from "./routes/pauses.ts";
import { queueRoutes } from "./routes/queue.ts";
import { databaseRoutes } from "./routes/database.ts";
import { resourceRoutes } from "./routes/resources.ts";
import { runRoutes } from "./routes/runs.ts";
import { runViewRoutes } from "./routes/run_views.ts";
import { taskLogRoutes } from "./routes/task_logs.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { workerRoutes } from "./routes/workers.ts";
import { type WorkerSocketOptions, workerSocketRoute } from "./routes/worker_socket.ts";
import { uiRoutes } from "./ui/mod.ts";

/** What the app needs. */
export interface AppDeps extends WorkerSocketOptions {
  core: HubCore;
  log: Logger;
  /** Web UI sessions and SSO; default: 12 h sessions, no trusted proxy. */
  ui?: UiConfig;
  /** The TCP peer's address (the SSO proxy check); default Deno's connection info. */
  peerAddress?: (c: Context) => string | null;
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
  const access = {
    config: deps.ui ?? defaultUiConfig(),
    ...(deps.peerAddress ? { peerAddress: deps.peerAddress } : {}),
  };
  const api = new ApiRouter(app, { core: deps.core, log: deps.log, access });
  healthRoutes(api);
  runRoutes(api);
  runViewRoutes(api);
  backfillRoutes(api);
  scheduleRoutes(api);
  hookRoutes(api);
  triggerRoutes(api);
  taskRoutes(api);
  taskLogRoutes(api);
  familyRoutes(api);
  workerRoutes(api);
  resourceRoutes(api);
  databaseRoutes(api);
  pauseRoutes(api);
  queueRoutes(api);
  tokenRoutes(api);
  auditRoutes(api);
  metricsRoutes(api);
  eventRoutes(api);
  workerSocketRoute(api, deps);
  metaRoutes(api);
  uiRoutes(app, { core: deps.core, log: deps.log, access });

  app.notFound((c) => {
    deps.core.metrics.httpRequest(c.req.method, "unmatched", 404);
    return problemResponse(new RequestError(404, "not_found", "No such route: see /api/docs"));
  });
  app.onError((error, c) => {
    if (error instanceof RequestError) {
      return problemResponse(
        error,
        error.status === 401 ? { "www-authenticate": 'Bearer realm="drover"' } : {},
      );
    }
    deps.log.error("request failed", { method: c.req.method, path: c.req.path, error });
    return problemResponse(new RequestError(500, "internal", "Internal error; see the hub's log"));
  });
  return { app, api };
}
