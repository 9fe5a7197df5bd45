/**
 * One worker's WebSocket session: the hello handshake, then frames parsed by
 * the protocol schema and handed to the scheduler. A bad frame gets an error
 * frame (or a close with a reason); nothing throws out of the socket handler.
 */
import { formatIssues } from "../../shared/format_issues.ts";
import type { Logger } from "../../shared/log.ts";
import {
  CLOSE,
  type HubFrame,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type WorkerFrame,
  workerFrameSchema,
} from "../../shared/protocol.ts";
import type { Labels } from "../../shared/selector.ts";
import { FamilyConflictError } from "../core/family_registry.ts";
import { scopeViolation, type TokenInfo } from "../ops/tokens.ts";
import type { Scheduler, WorkerLink } from "../core/scheduler.ts";

/** Options for {@link attachWorkerSession}. */
export interface WorkerSessionOptions {
  scheduler: Scheduler;
  log: Logger;
  /** Close a connection that sends no hello in this time. */
  helloTimeoutMs?: number;
  /** Called when the session ends (for the hub's bookkeeping). */
  onClose?: () => void;
  /** What the connection authenticated as; `refusal` closes it at once with that reason. */
  auth?: { required: boolean; token?: TokenInfo; refusal?: string };
}

/** Wires a freshly upgraded WebSocket to the scheduler. */
export function attachWorkerSession(socket: WebSocket, options: WorkerSessionOptions): void {
  const { scheduler } = options;
  let log = options.log;
  let link: WorkerLink | null = null;
  let helloDone: Promise<boolean> | null = null;
  let closed = false;

  const send = (frame: HubFrame): boolean => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
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
  const refuse = (code: string, message: string, closeCode: number = CLOSE.policy) => {
    log.warn("worker refused", { code, reason: message });
    send({ type: "error", code, message });
    close(closeCode, message);
  };

  const helloTimer = setTimeout(() => {
    if (!helloDone) refuse("hello_timeout", "no hello frame within the time allowed");
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
    if (link) void scheduler.goodbye(link);
    options.onClose?.();
  };
  socket.onerror = () => {};
  socket.onopen = () => {
    if (options.auth?.refusal) refuse("unauthorized", options.auth.refusal);
  };

  async function onMessage(data: unknown): Promise<void> {
    if (typeof data !== "string") {
      refuse("binary_frame", "binary frames are not part of the protocol", CLOSE.protocolError);
      return;
    }
    const bytes = data.length * 3 <= MAX_FRAME_BYTES ? data.length : utf8Length(data);
    if (bytes > MAX_FRAME_BYTES) {
      refuse(
        "frame_too_big",
        `frame of ${bytes} bytes is over the limit of ${MAX_FRAME_BYTES}`,
        CLOSE.tooBig,
      );
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      send({ type: "error", code: "bad_json", message: "frame is not valid JSON" });
      return;
    }
    if (!helloDone) {
      helloDone = onHello(json);
      await helloDone;
      return;
    }
    if (!(await helloDone) || closed) return;
    const parsed = workerFrameSchema.safeParse(json);
    if (!parsed.success) {
      const type = (json as { type?: unknown })?.type;
      send({
        type: "error",
        code: "bad_frame",
        message: `Invalid ${typeof type === "string" ? `"${type}" ` : ""}frame: ${
          formatIssues(parsed.error.issues)
        }`,
      });
      return;
    }
    await onFrame(parsed.data);
  }

  async function onHello(json: unknown): Promise<boolean> {
    clearTimeout(helloTimer);
    const type = (json as { type?: unknown })?.type;
    if (type !== "hello") {
      refuse(
        "hello_expected",
        `the first frame must be "hello", not ${JSON.stringify(type)}`,
        CLOSE.protocolError,
      );
      return false;
    }
    const protocol = (json as { protocol?: unknown }).protocol;
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(protocol as number)) {
      refuse(
        "unsupported_protocol",
        `hub speaks protocol ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}; worker sent ${
          JSON.stringify(protocol)
        }`,
        CLOSE.protocolError,
      );
      return false;
    }
    const parsed = workerFrameSchema.safeParse(json);
    if (!parsed.success || parsed.data.type !== "hello") {
      refuse(
        "bad_hello",
        `Invalid hello: ${parsed.success ? "wrong type" : formatIssues(parsed.error.issues)}`,
        CLOSE.protocolError,
      );
      return false;
    }
    const hello = parsed.data;
    const token = options.auth?.token;
    if (options.auth?.refusal) return false;
    if (token) {
      const violation = scopeViolation(token.scope, hello.labels as Labels);
      if (violation) {
        refuse("scope_violation", `Refused: ${violation}`);
        return false;
      }
    }
    const candidate: WorkerLink = {
      workerId: hello.workerId,
      name: hello.name,
      labels: hello.labels as Labels,
      families: hello.families.map((f) => ({ name: f.name, version: f.version })),
      free: 0,
      grantsSent: 0,
      tokenId: token?.id,
      send,
      close,
    };
    log = options.log.child({ workerId: hello.workerId, worker: hello.name });
    try {
      const refused = await scheduler.hello(candidate, hello);
      if (closed) {
        await scheduler.goodbye(candidate);
        return false;
      }
      link = candidate;
      send({
        type: "welcome",
        protocol: PROTOCOL_VERSION,
        hubId: scheduler.hubId,
        workerId: hello.workerId,
        leaseTtlMs: scheduler.leaseTtlMs,
      });
      if (refused.length > 0) send({ type: "lease.renewed", ttlMs: scheduler.leaseTtlMs, refused });
      log.info("worker connected", {
        labels: hello.labels,
        slots: hello.slots,
        families: hello.families.length,
        heldLeases: hello.leases.length,
      });
      return true;
    } catch (error) {
      if (error instanceof FamilyConflictError) {
        refuse("family_conflict", error.message);
      } else {
        log.error("hello failed", { error });
        refuse(
          "internal",
          `hub could not register the worker: ${(error as Error).message}`,
          CLOSE.internal,
        );
      }
      return false;
    }
  }

  /** Answers a result frame (expansion, park, completion, failure) by its key. */
  function ack(
    frame: { taskId: string; key: string },
    r: { outcome: "accepted" | "stale"; message: string },
  ): void {
    send({
      type: "task.ack",
      taskId: frame.taskId,
      key: frame.key,
      outcome: r.outcome,
      message: r.message,
    });
  }

  async function onFrame(frame: WorkerFrame): Promise<void> {
    const l = link!;
    switch (frame.type) {
      case "hello":
        send({ type: "error", code: "duplicate_hello", message: "hello was already received" });
        return;
      case "lease.credit":
        scheduler.credit(l, frame.free, frame.grantsSeen);
        return;
      case "lease.renew": {
        const refused = await scheduler.renew(l, frame.leases);
        send({ type: "lease.renewed", ttlMs: scheduler.leaseTtlMs, refused });
        for (const r of refused) {
          log.warn("renewal refused", { taskId: r.taskId, epoch: r.epoch, reason: r.reason });
        }
        return;
      }
      case "lease.release":
        await scheduler.release(l, frame.taskId, frame.epoch, frame.reason);
        return;
      case "expand.result": {
        const r = await scheduler.expand(l, frame.taskId, frame.epoch, frame.nodes);
        ack(frame, r);
        log.info("task expanded", {
          taskId: frame.taskId,
          epoch: frame.epoch,
          outcome: r.outcome,
          nodes: frame.nodes.length,
          inserted: r.inserted,
          readied: r.readied,
          done: r.done,
        });
        return;
      }
      case "task.park": {
        const r = await scheduler.expand(l, frame.taskId, frame.epoch, frame.nodes, "park");
        ack(frame, r);
        log.info("task parked", {
          taskId: frame.taskId,
          epoch: frame.epoch,
          outcome: r.outcome,
          requirements: frame.nodes.length - 1,
          message: r.message,
        });
        return;
      }
      case "task.complete": {
        const r = await scheduler.complete(l, frame.taskId, frame.epoch, frame.key);
        ack(frame, r);
        const fields = {
          taskId: frame.taskId,
          epoch: frame.epoch,
          key: frame.key,
          repeat: r.repeat,
        };
        if (r.outcome === "accepted") log.info("task published", fields);
        else log.warn("stale completion refused", { ...fields, reason: r.message });
        return;
      }
      case "task.fail": {
        const r = await scheduler.fail(l, frame.taskId, frame.epoch, frame.error);
        ack(frame, r);
        log.warn("task attempt failed", {
          taskId: frame.taskId,
          epoch: frame.epoch,
          error: frame.error,
          next: r.state ?? "ignored",
          retryAt: r.retryAt,
        });
        return;
      }
      case "task.status":
        await scheduler.status(l, frame.taskId, frame.epoch, frame.message, frame.progress);
        return;
    }
  }
}

/** Bytes of `text` in UTF-8 (what the limit counts), without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A close reason is limited to 123 bytes of UTF-8: cut at a character boundary. */
function closeReason(reason: string): string {
  if (reason.length * 3 <= 123) return reason;
  let out = "";
  for (const ch of reason) {
    if (utf8Length(out + ch) > 123) break;
    out += ch;
  }
  return out;
}
