/** `GET /ws/worker`: the WebSocket a worker connects out to, authenticated by a worker token. */
import type { TokenInfo } from "../../shared/api_schemas_admin.ts";
import { RequestError } from "../core/request_error.ts";
import { PUBLIC } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { findToken } from "../queries/tokens.ts";
import { attachWorkerSession, type SessionAuth } from "../ws/worker_session.ts";

/** How the worker socket is served. */
export interface WorkerSocketOptions {
  /** Open worker sockets, so a shutting-down hub can close them. */
  sockets?: Set<WebSocket>;
  /** False while shutting down: new worker connections are refused. */
  accepting?: () => boolean;
  /** `token` (default): workers must present a worker token. */
  workerAuth?: "token" | "none";
}

/** Mounts the worker WebSocket. */
export function workerSocketRoute(api: ApiRouter, options: WorkerSocketOptions): void {
  const { core, log } = api.deps;
  api.route({
    method: "get",
    path: "/ws/worker",
    tag: "workers",
    summary: "Connect a worker",
    description: "The worker WebSocket (protocol v1, JSON frames; see DESIGN.md). Send " +
      "`Authorization: Bearer` with a worker token; without one, or with an unknown, revoked " +
      "or non-worker token, or labels outside its scope, the session is refused (close code " +
      "1008, with the reason).",
    allow: PUBLIC,
    response: { status: 101, description: "Switching Protocols: the worker session begins" },
    errors: [503],
  }, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new RequestError(400, "websocket_expected", "This endpoint speaks WebSocket only");
    }
    if (options.accepting && !options.accepting()) {
      throw new RequestError(503, "shutting_down", "This hub is shutting down; connect to another");
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const token = bearer ? await core.read((db) => findToken(db, bearer)) : undefined;
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
    options.sockets?.add(socket);
    attachWorkerSession(socket, {
      workers: core.workers,
      hubId: core.hubId,
      leaseTtlMs: core.leaseTtlMs,
      log,
      onClose: () => options.sockets?.delete(socket),
      auth: sessionAuth(options.workerAuth ?? "token", bearer, token),
      metrics: core.metrics,
    });
    return response;
  });
}

/** What a connection may do, from the token it presented. */
function sessionAuth(
  mode: "token" | "none",
  bearer: string | undefined,
  token: TokenInfo | undefined,
): SessionAuth {
  if (mode === "none") return { required: false };
  if (token?.role === "worker") return { required: true, token };
  return {
    required: true,
    refusal: !bearer
      ? "a worker token is required (Authorization: Bearer drv_…)"
      : token
      ? `a ${token.role} token cannot connect a worker`
      : "the worker token is unknown or revoked",
  };
}
