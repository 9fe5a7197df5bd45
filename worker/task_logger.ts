/**
 * `ctx.log`: each line goes to the worker's own JSON-lines log (with the
 * task id, epoch and attempt) and to the attempt's shipped log. Writing
 * never waits and never throws, whatever the fields hold.
 */
import type { LogFields, Logger, LogLevel } from "../shared/log.ts";
import { toJsonSafe } from "../shared/json_safe.ts";
import type { AttemptLog } from "./log_shipper.ts";

/** Which attempt a task logger writes for. */
export interface AttemptRef {
  taskId: string;
  epoch: number;
  attempt: number;
}

/**
 * A logger for task code: `processLog` gets every line with `taskId`,
 * `epoch` and `attempt` (which fields cannot override); `shipped` gets the
 * message and the fields (those of `child()` loggers included).
 */
export function taskLogger(
  processLog: Logger,
  shipped: AttemptLog,
  ref: AttemptRef,
  base: LogFields = {},
): Logger {
  const ids = { taskId: ref.taskId, epoch: ref.epoch, attempt: ref.attempt };
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    const all = merge(base, fields);
    try {
      processLog[level](String(msg), { ...all, ...ids });
    } catch {
      // The worker's log is not the task's problem: a line it cannot write is lost.
    }
    try {
      shipped.write(level, msg, Object.keys(all).length > 0 ? all : undefined);
    } catch {
      // Nor is shipping: toJsonSafe reads everything defensively, so this is a bug if reached.
    }
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => taskLogger(processLog, shipped, ref, { ...base, ...fields }),
  };
}

/** `base` and `fields` in one object; fields whose reading throws are read defensively. */
function merge(base: LogFields, fields: LogFields | undefined): LogFields {
  if (fields === undefined || fields === null) return base;
  try {
    return { ...base, ...fields };
  } catch {
    const safe = toJsonSafe(fields);
    return typeof safe === "object" && safe !== null && !Array.isArray(safe)
      ? { ...base, ...safe }
      : { ...base, fields: safe };
  }
}
