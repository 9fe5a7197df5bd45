/**
 * A worker's frame as the hub first reads it: text, within the size limit,
 * JSON; and, for a frame refused, which result it was (so the worker can
 * report that task's attempt failed instead of sending it forever).
 */
import { CLOSE, MAX_FRAME_BYTES } from "../../shared/protocol.ts";
import { utf8Length } from "./utf8.ts";

/** Why a connection is refused: the error sent, then the close code. */
export interface Refusal {
  code: string;
  message: string;
  close: number;
}

/** A text frame within the size limit, parsed as JSON; or why not. */
export function readFrame(
  data: unknown,
): { value: unknown } | { error: string } | { refusal: Refusal } {
  if (typeof data !== "string") {
    return {
      refusal: {
        code: "binary_frame",
        message: "binary frames are not part of the protocol",
        close: CLOSE.protocolError,
      },
    };
  }
  const bytes = data.length * 3 <= MAX_FRAME_BYTES ? data.length : utf8Length(data);
  if (bytes > MAX_FRAME_BYTES) {
    return {
      refusal: {
        code: "frame_too_big",
        message: `frame of ${bytes} bytes is over the limit of ${MAX_FRAME_BYTES}`,
        close: CLOSE.tooBig,
      },
    };
  }
  try {
    return { value: JSON.parse(data) };
  } catch {
    return { error: "frame is not valid JSON" };
  }
}

/** The result a frame carries: its task, lease epoch and key. */
export interface ResultRef {
  taskId: string;
  epoch: number;
  key: string;
}

const RESULTS = ["expand.result", "task.park", "task.complete", "task.fail"];

/** The result `value` (a parsed frame, or the head of one) names, if it is a result. */
export function resultRef(value: unknown): ResultRef | null {
  const v = (value ?? {}) as Record<string, unknown>;
  const { type, taskId, epoch, key } = v;
  if (
    typeof type === "string" && RESULTS.includes(type) && typeof taskId === "string" &&
    taskId.length > 0 && taskId.length <= 400 && Number.isSafeInteger(epoch) &&
    (epoch as number) >= 1 &&
    typeof key === "string" && key.length >= 8 && key.length <= 200
  ) {
    return { taskId, epoch: epoch as number, key };
  }
  return null;
}

/**
 * The fields a worker writes first (`type`, `taskId`, `epoch`, `key`), read
 * from the first few kilobytes of a frame too big to parse.
 */
export function headOf(data: string): Record<string, unknown> {
  const head = data.slice(0, 4096);
  const out: Record<string, unknown> = {};
  for (const field of ["type", "taskId", "key"]) {
    const m = head.match(new RegExp(`"${field}":"((?:[^"\\\\]|\\\\.){1,400})"`));
    if (m) {
      try {
        out[field] = JSON.parse(`"${m[1]}"`);
      } catch {
        // Not a string after all: leave it out.
      }
    }
  }
  const epoch = head.match(/"epoch":(\d{1,15})[,}]/);
  if (epoch) out.epoch = Number(epoch[1]);
  return out;
}
