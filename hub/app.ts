/**
 * The hub's HTTP app, built from its dependencies.
 */
import { Hono } from "hono";
import type { Logger } from "../shared/log.ts";
import { HttpError } from "./http_error.ts";
import { backfillRoutes } from "./routes/backfills.ts";
import { familyRoutes } from "./routes/families.ts";
import { healthRoutes } from "./routes/health.ts";
import { queueRoutes } from "./routes/queue.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { findToken } from "./scheduler/tokens.ts";
import { resourceRoutes } from "./routes/resources.ts";
import { runRoutes } from "./routes/runs.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { workerRoutes } from "./routes/workers.ts";
import type { Scheduler } from "./scheduler/scheduler.ts";
import { attachWorkerSession } from "./ws/worker_session.ts";

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

/** Builds the Hono app: health, the admin API, and the worker WebSocket. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route("/", healthRoutes(deps));
  app.route("/api/runs", runRoutes(deps));
  app.route("/api/backfills", backfillRoutes(deps));
  app.route("/api/tasks", taskRoutes(deps));
  app.route("/api/families", familyRoutes(deps));
  app.route("/api/workers", workerRoutes(deps));
  app.route("/api/resources", resourceRoutes(deps));
  app.route("/api/queue", queueRoutes(deps));
  app.route("/api/tokens", tokenRoutes(deps));

  app.get("/ws/worker", async (c) => {
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

  app.notFound((c) =>
    c.json(
      { error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } },
      404,
    )
  );
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      return c.json(
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.field ? { field: error.field } : {}),
          },
        },
        error.status,
      );
    }
    deps.log.error("request failed", { method: c.req.method, path: c.req.path, error });
    return c.json(
      { error: { code: "internal", message: "Internal error; see the hub's log" } },
      500,
    );
  });
  return app;
}
