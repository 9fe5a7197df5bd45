/**
 * A result the hub cannot take (a frame over its size limit, or one that
 * fails its checks) would be sent again after every reconnect, and its
 * lease renewed forever while the run shows the task "leased". Instead the
 * worker turns it into a permanent failure of the attempt that names the
 * cause, so the run shows it; results of the same lease still queued are
 * dropped, and what they staged is discarded. If even that failure report
 * is refused, the lease is given up (it expires on the hub) and logged.
 */
import { MAX_FRAME_BYTES } from "../shared/protocol.ts";
import type { OutboxEntry } from "./outbox.ts";

/** The longest failure message a refusal produces (well within the hub's checks). */
const MAX_MESSAGE = 1_000;

/** The failure report that replaces a refused result (null: the refused one was such a report). */
export function failureForRefused(
  refused: OutboxEntry,
  code: string,
  message: string,
): OutboxEntry | null {
  const f = refused.frame;
  if (f.type === "task.fail" && f.error.name === "PermanentError" && f.error.stack === undefined) {
    return null;
  }
  const text = `The hub refused this task's ${f.type} (${code}): ${message}`;
  const key = `f_${crypto.randomUUID().replaceAll("-", "")}`;
  return {
    key,
    staged: [],
    frame: {
      type: "task.fail",
      taskId: f.taskId,
      epoch: f.epoch,
      key,
      error: {
        name: "PermanentError",
        message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text,
        retryable: false,
      },
    },
  };
}

const encoder = new TextEncoder();

/**
 * Why the hub would refuse `entry` for its size, or null. Only results that
 * carry nodes can grow large; the others are bounded by the protocol.
 */
export function oversize(entry: OutboxEntry): string | null {
  if (entry.frame.type !== "expand.result" && entry.frame.type !== "task.park") return null;
  const text = JSON.stringify(entry.frame);
  if (text.length <= MAX_FRAME_BYTES / 3) return null;
  const bytes = encoder.encode(text).length;
  return bytes > MAX_FRAME_BYTES
    ? `frame of ${bytes} bytes is over the limit of ${MAX_FRAME_BYTES}`
    : null;
}
