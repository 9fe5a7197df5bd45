/**
 * One worker's WebSocket session: the hello handshake, then frames parsed by
 * the protocol schema and handed to the hub's side of the protocol. A bad
 * frame gets an error frame (or a close with a reason); nothing throws out
 * of the socket handler.
 */
import { setImmediate } from "node:timers";
import type { TokenInfo } from "../../shared/api_schemas_admin.ts";
import { formatIssues } from "../../shared/format_issues.ts";
import type { Logger } from "../../shared/log.ts";
import { FrameCoalescer } from "../../shared/frame_coalescer.ts";
import {
  BATCH_PROTOCOL,
  batchFrameSchema,
  CLOSE,
  type HubFrame,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  workerFrameSchema,
} from "../../shared/protocol.ts";
import { dbErrorKind } from "../db/db_error_kind.ts";
import type { WorkerLink } from "../core/worker_links.ts";
import type { WorkerProtocol } from "../core/worker_protocol.ts";
import { frameType } from "../metrics/frame_type.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import { FamilyConflictError } from "../ops/register_families.ts";
import { describeConflict } from "../queries/code_conflicts.ts";
import { checkHello } from "./check_hello.ts";
import { handleFrame } from "./handle_frame.ts";
import { headOf, readFrame, type Refusal, resultRef } from "./read_frame.ts";
import { closeReason } from "./utf8.ts";

/** Frames whose acknowledgement the worker waits for, keeping them in its outbox. */
const RESULTS = new Set(["task.complete", "task.fail", "expand.result", "task.park"]);

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

  // Frames sent in one turn of the event loop (a commit's acknowledgements,
  // a round's grants) go out as one message once the worker speaks protocol 2.
  const out = new FrameCoalescer({
    write: (text) => {
      try {
        socket.send(text);
        return true;
      } catch {
        return false;
      }
    },
    open: () => socket.readyState === WebSocket.OPEN,
    maxBytes: MAX_FRAME_BYTES,
    windowMs: 0,
    immediate: setImmediate,
  });
  const send = (frame: HubFrame): boolean => {
    // Acknowledgements go ahead of grants sent in the same turn (see FrameCoalescer).
    const sent = out.send(frame, undefined, frame.type === "task.ack");
    if (sent) options.metrics?.frameSent(frame.type);
    return sent;
  };
  const close = (code: number, reason: string) => {
    out.flush();
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
    out.clear();
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
    const batch = out.enabled && "value" in json && isBatch(json.value);
    if (!batch) options.metrics?.frameReceived(frameType("value" in json ? json.value : null));
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
    if (!batch) return await onFrame(json.value);
    const parsed = batchFrameSchema.safeParse(json.value);
    if (!parsed.success) {
      const message = `Invalid "batch" frame: ${formatIssues(parsed.error.issues)}`;
      log.warn("bad frame refused", { type: "batch", message });
      send({ type: "error", code: "bad_frame", message });
      return;
    }
    // Each frame is started in order (so each reaches the write queue in
    // order, as if it had come alone, and a result and the credit after it
    // share a commit) and answered alone.
    await Promise.all(parsed.data.frames.map((item) => {
      options.metrics?.frameReceived(frameType(item));
      return onFrame(item);
    }));
  }

  async function onFrame(value: unknown): Promise<void> {
    const parsed = workerFrameSchema.safeParse(value);
    if (!parsed.success) {
      const { type, taskId } = (value ?? {}) as { type?: unknown; taskId?: unknown };
      const message = `Invalid ${typeof type === "string" ? `"${type}" ` : ""}frame: ${
        formatIssues(parsed.error.issues)
      }`;
      // Refused, not fatal: the worker is told (about which result, if it is
      // one, so that it reports the attempt failed), and the socket stays open.
      log.warn("bad frame refused", { type, taskId: stringOrUndefined(taskId), message });
      send({ type: "error", code: "bad_frame", message, ...(resultRef(value) ?? {}) });
      return;
    }
    const frame = parsed.data;
    await handleFrame(frame, { link: link!, workers, leaseTtlMs: options.leaseTtlMs, send, log })
      .catch((error) => {
        const taskId = "taskId" in frame ? frame.taskId : undefined;
        log.error("frame handling failed", { type: frame.type, taskId, error });
        send({ type: "error", code: "internal", message: (error as Error).message });
        // A result the database stayed away for (or whose COMMIT's fate is
        // unknown): the worker connects again, here or to another hub, and
        // sends its results again; their keys make one that did commit count once.
        if (RESULTS.has(frame.type) && dbErrorKind(error) !== null) {
          close(CLOSE.tryAgain, "database unavailable");
        }
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
      const protocol = Math.min(hello.protocol, PROTOCOL_VERSION);
      send({
        type: "welcome",
        protocol,
        hubId: options.hubId,
        workerId: hello.workerId,
        leaseTtlMs: options.leaseTtlMs,
      });
      out.enabled = protocol >= BATCH_PROTOCOL;
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

function isBatch(value: unknown): boolean {
  return (value as { type?: unknown } | null)?.type === "batch";
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value.slice(0, 1000) : undefined;
}
