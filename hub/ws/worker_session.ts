/**
 * One worker's WebSocket session: the hello handshake, then frames parsed by
 * the protocol schema and handed to the hub's side of the protocol. A bad
 * frame gets an error frame (or a close with a reason); nothing throws out
 * of the socket handler.
 */
import type { TokenInfo } from "../../shared/api_schemas_admin.ts";
import { formatIssues } from "../../shared/format_issues.ts";
import type { Logger } from "../../shared/log.ts";
import {
  CLOSE,
  type HelloFrame,
  type HubFrame,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  workerFrameSchema,
} from "../../shared/protocol.ts";
import { scopeViolation } from "../core/scope_violation.ts";
import type { WorkerLink } from "../core/worker_links.ts";
import type { WorkerProtocol } from "../core/worker_protocol.ts";
import { frameType } from "../metrics/frame_type.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import { FamilyConflictError } from "../ops/register_families.ts";
import { describeConflict } from "../queries/code_conflicts.ts";
import { handleFrame } from "./handle_frame.ts";
import { headOf, readFrame, type Refusal, resultRef } from "./read_frame.ts";
import { closeReason } from "./utf8.ts";

/** What a connection authenticated as; `refusal` closes it at once with that reason. */
export interface SessionAuth {
  required: boolean;
  token?: TokenInfo;
  refusal?: string;
}

/** Options for {@link attachWorkerSession}. */
export interface WorkerSessionOptions {
  workers: WorkerProtocol;
  hubId: string;
  leaseTtlMs: number;
  log: Logger;
  /** Close a connection that sends no hello in this time. */
  helloTimeoutMs?: number;
  /** Called when the session ends (for the hub's bookkeeping). */
  onClose?: () => void;
  auth?: SessionAuth;
  /** Counts frames in and out. */
  metrics?: HubMetrics;
}

/** A refusal: an error frame, then a close with the reason. */
/** Wires a freshly upgraded WebSocket to the hub. */
export function attachWorkerSession(socket: WebSocket, options: WorkerSessionOptions): void {
  const { workers } = options;
  let log = options.log;
  let link: WorkerLink | null = null;
  let helloDone: Promise<boolean> | null = null;
  let closed = false;

  const send = (frame: HubFrame): boolean => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      options.metrics?.frameSent(frame.type);
      return true;
    } catch {
      return false;
    }
  };
  const close = (code: number, reason: string) => {
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      try {
        socket.close(code, closeReason(reason));
      } catch (error) {
        log.warn("cannot close the socket", { code, error });
      }
    }
  };
  const refuse = ({ code, message, close: closeCode }: Refusal) => {
    log.warn("worker refused", { code, reason: message });
    send({ type: "error", code, message });
    close(closeCode, message);
  };

  const helloTimer = setTimeout(() => {
    if (!helloDone) {
      refuse({
        code: "hello_timeout",
        message: "no hello frame within the time allowed",
        close: CLOSE.policy,
      });
    }
  }, options.helloTimeoutMs ?? 10_000);

  socket.onmessage = (event) => {
    void onMessage(event.data).catch((error) => {
      log.error("frame handling failed", { error });
      send({ type: "error", code: "internal", message: (error as Error).message });
    });
  };
  socket.onclose = () => {
    closed = true;
    clearTimeout(helloTimer);
    if (link) void workers.goodbye(link);
    options.onClose?.();
  };
  socket.onerror = () => {};
  socket.onopen = () => {
    const refusal = options.auth?.refusal;
    if (refusal) refuse({ code: "unauthorized", message: refusal, close: CLOSE.policy });
  };

  async function onMessage(data: unknown): Promise<void> {
    const json = readFrame(data);
    options.metrics?.frameReceived(frameType("value" in json ? json.value : null));
    if ("refusal" in json) {
      // A result too big to read is refused as that task's, if its head names it:
      // the worker reports the attempt failed instead of sending it forever.
      const about = json.refusal.code === "frame_too_big" && helloDone
        ? resultRef(headOf(data as string))
        : null;
      if (!about) return refuse(json.refusal);
      log.warn("result refused", { ...about, code: json.refusal.code });
      send({ type: "error", code: json.refusal.code, message: json.refusal.message, ...about });
      return;
    }
    if ("error" in json) {
      send({ type: "error", code: "bad_json", message: json.error });
      return;
    }
    if (!helloDone) {
      helloDone = onHello(json.value);
      await helloDone;
      return;
    }
    if (!(await helloDone) || closed) return;
    const parsed = workerFrameSchema.safeParse(json.value);
    if (!parsed.success) {
      const { type, taskId } = (json.value ?? {}) as { type?: unknown; taskId?: unknown };
      const message = `Invalid ${typeof type === "string" ? `"${type}" ` : ""}frame: ${
        formatIssues(parsed.error.issues)
      }`;
      // Refused, not fatal: the worker is told (about which result, if it is
      // one, so that it reports the attempt failed), and the socket stays open.
      log.warn("bad frame refused", { type, taskId: stringOrUndefined(taskId), message });
      send({ type: "error", code: "bad_frame", message, ...(resultRef(json.value) ?? {}) });
      return;
    }
    const frame = parsed.data;
    await handleFrame(frame, { link: link!, workers, leaseTtlMs: options.leaseTtlMs, send, log })
      .catch((error) => {
        const taskId = "taskId" in frame ? frame.taskId : undefined;
        log.error("frame handling failed", { type: frame.type, taskId, error });
        send({ type: "error", code: "internal", message: (error as Error).message });
      });
  }

  async function onHello(json: unknown): Promise<boolean> {
    clearTimeout(helloTimer);
    const checked = checkHello(json, options.auth);
    if ("refusal" in checked) {
      if (checked.refusal) refuse(checked.refusal);
      return false;
    }
    const hello = checked.hello;
    const candidate: WorkerLink = {
      workerId: hello.workerId,
      name: hello.name,
      labels: hello.labels,
      families: hello.families.map((f) => ({ name: f.name, version: f.version })),
      slots: hello.slots,
      version: hello.version,
      free: 0,
      grantsSent: 0,
      tokenId: options.auth?.token?.id,
      send,
      close,
    };
    log = options.log.child({ workerId: hello.workerId, worker: hello.name });
    try {
      const { refused, conflicts } = await workers.hello(candidate, hello);
      if (closed) {
        await workers.goodbye(candidate);
        return false;
      }
      link = candidate;
      send({
        type: "welcome",
        protocol: PROTOCOL_VERSION,
        hubId: options.hubId,
        workerId: hello.workerId,
        leaseTtlMs: options.leaseTtlMs,
      });
      if (refused.length > 0) send({ type: "lease.renewed", ttlMs: options.leaseTtlMs, refused });
      for (const conflict of conflicts) {
        send({ type: "error", code: "family_code_conflict", message: describeConflict(conflict) });
      }
      log.info("worker connected", {
        labels: hello.labels,
        slots: hello.slots,
        families: hello.families.length,
        heldLeases: hello.leases.length,
      });
      return true;
    } catch (error) {
      if (error instanceof FamilyConflictError) {
        refuse({ code: "family_conflict", message: error.message, close: CLOSE.policy });
      } else {
        log.error("hello failed", { error });
        refuse({
          code: "internal",
          message: `hub could not register the worker: ${(error as Error).message}`,
          close: CLOSE.internal,
        });
      }
      return false;
    }
  }
}

/**
 * The first frame as a valid hello the connection may send, or the refusal
 * (null: the connection is already being refused for its token).
 */
function checkHello(
  json: unknown,
  auth: SessionAuth | undefined,
): { hello: HelloFrame } | { refusal: Refusal | null } {
  const type = (json as { type?: unknown })?.type;
  if (type !== "hello") {
    return {
      refusal: {
        code: "hello_expected",
        message: `the first frame must be "hello", not ${JSON.stringify(type)}`,
        close: CLOSE.protocolError,
      },
    };
  }
  const protocol = (json as { protocol?: unknown }).protocol;
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(protocol as number)) {
    return {
      refusal: {
        code: "unsupported_protocol",
        message: `hub speaks protocol ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}; worker sent ${
          JSON.stringify(protocol)
        }`,
        close: CLOSE.protocolError,
      },
    };
  }
  const parsed = workerFrameSchema.safeParse(json);
  if (!parsed.success || parsed.data.type !== "hello") {
    return {
      refusal: {
        code: "bad_hello",
        message: `Invalid hello: ${
          parsed.success ? "wrong type" : formatIssues(parsed.error.issues)
        }`,
        close: CLOSE.protocolError,
      },
    };
  }
  if (auth?.refusal) return { refusal: null };
  const violation = auth?.token ? scopeViolation(auth.token.scope, parsed.data.labels) : null;
  if (violation) {
    return {
      refusal: { code: "scope_violation", message: `Refused: ${violation}`, close: CLOSE.policy },
    };
  }
  return { hello: parsed.data };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value.slice(0, 1000) : undefined;
}
