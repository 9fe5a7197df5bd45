/** A worker's frames after its hello, each handed to the hub's side of the protocol. */
import type { Logger } from "../../shared/log.ts";
import type { HubFrame, WorkerFrame } from "../../shared/protocol.ts";
import type { WorkerLink } from "../core/worker_links.ts";
import type { WorkerProtocol } from "../core/worker_protocol.ts";

/** What a frame is handled with. */
export interface FrameContext {
  link: WorkerLink;
  workers: WorkerProtocol;
  leaseTtlMs: number;
  send: (frame: HubFrame) => boolean;
  log: Logger;
}

/** Handles one parsed frame; results are answered by their key (`task.ack`). */
export async function handleFrame(frame: WorkerFrame, x: FrameContext): Promise<void> {
  const { link, workers, send, log } = x;
  const ack = (
    f: { taskId: string; key: string },
    r: { outcome: "accepted" | "stale"; message: string },
  ) =>
    send({
      type: "task.ack",
      taskId: f.taskId,
      key: f.key,
      outcome: r.outcome,
      message: r.message,
    });
  switch (frame.type) {
    case "hello":
      send({ type: "error", code: "duplicate_hello", message: "hello was already received" });
      return;
    case "lease.credit":
      workers.credit(link, frame.free, frame.grantsSeen, frame.prefetch);
      return;
    case "lease.renew": {
      const refused = await workers.renew(link, frame.leases, frame.figures);
      send({ type: "lease.renewed", ttlMs: x.leaseTtlMs, refused });
      for (const r of refused) {
        const fields = { taskId: r.taskId, epoch: r.epoch, reason: r.reason };
        // A worker renews a lease until its result is acknowledged, so a
        // renewal can meet its own result, already applied (the task done,
        // or waiting for what its expansion found): no news.
        if (/^task is (done|waiting),/.test(r.reason)) {
          log.info("renewal of a finished lease", fields);
        } else log.warn("renewal refused", fields);
      }
      return;
    }
    case "lease.release":
      await workers.release(link, frame.taskId, frame.epoch, frame.reason);
      return;
    case "expand.result": {
      const mode = frame.more ? "expand-part" : "expand";
      const r = await workers.expand(link, frame.taskId, frame.epoch, frame.nodes, mode);
      ack(frame, r);
      log.info(frame.more ? "part of an expansion applied" : "task expanded", {
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
      const r = await workers.expand(link, frame.taskId, frame.epoch, frame.nodes, "park");
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
      const r = await workers.complete(link, frame.taskId, frame.epoch, frame.key);
      ack(frame, r);
      const fields = { taskId: frame.taskId, epoch: frame.epoch, key: frame.key, repeat: r.repeat };
      if (r.outcome === "accepted") log.info("task published", fields);
      else log.warn("stale completion refused", { ...fields, reason: r.message });
      return;
    }
    case "task.fail": {
      const r = await workers.fail(link, frame.taskId, frame.epoch, frame.error);
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
      await workers.status(link, frame.taskId, frame.epoch, frame.message, frame.progress);
      return;
    case "task.log": {
      const { taskId, epoch, lines, dropped } = frame;
      // A batch that cannot be stored is lost; the socket and the task go on.
      const r = await workers.logs(link, taskId, epoch, lines, dropped).catch((error) => {
        log.warn("task log not stored", { taskId, epoch, lines: lines.length, error });
        return null;
      });
      if (r === null) return;
      if (r.outcome === "refused") {
        log.warn("task log refused: no such attempt of this worker", { taskId, epoch });
      } else if (r.capReached) {
        log.warn("task log reached the attempt's cap: later lines are counted, not stored", {
          taskId,
          epoch,
          attempt: r.attempt,
        });
      }
      return;
    }
  }
}
