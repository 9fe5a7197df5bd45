/** How much task log a worker buffers and ships, and from which level. */
import type { LogLevel } from "../shared/log.ts";
import type { ConsoleCapture } from "./console_capture.ts";

/**
 * Bounds on task logs, and the lowest level shipped.
 *
 * @example
 * ```ts
 * import type { TaskLogLimits } from "./mod.ts";
 * const quiet: Partial<TaskLogLimits> = { level: "warn", attemptBytes: 64 * 1024 };
 * ```
 */
export interface TaskLogLimits {
  /** Lines waiting to be sent, all attempts together. Default 10,000. */
  bufferLines: number;
  /** Bytes (messages and fields) waiting to be sent, all attempts together. Default 4 MiB. */
  bufferBytes: number;
  /** Bytes shipped per attempt; its later lines are dropped. Default 1 MiB. */
  attemptBytes: number;
  /** Longest fields of one line, as JSON; longer ones are cut to a string. Default 16 KiB. */
  fieldsChars: number;
  /** How long a line waits for its batch. Default 200 ms. */
  flushMs: number;
  /** Bytes the socket may hold unsent before log frames wait (results never do). Default 1 MiB. */
  socketBacklogBytes: number;
  /** Lines below this level are neither shipped nor written. Default `info`. */
  level: LogLevel;
}

/** Task log limits, any left out at their defaults, and the console capture if it is on. */
export interface TaskLogOptions extends Partial<TaskLogLimits> {
  /** Routes `console.*` of running attempts to their logs (`captureConsole`). */
  capture?: ConsoleCapture;
}

/**
 * The default {@link TaskLogLimits}.
 *
 * @example
 * ```ts
 * import { DEFAULT_TASK_LOG_LIMITS } from "./mod.ts";
 * console.assert(DEFAULT_TASK_LOG_LIMITS.flushMs === 200);
 * ```
 */
export const DEFAULT_TASK_LOG_LIMITS: Readonly<TaskLogLimits> = {
  bufferLines: 10_000,
  bufferBytes: 4 * 1024 * 1024,
  attemptBytes: 1024 * 1024,
  fieldsChars: 16 * 1024,
  flushMs: 200,
  socketBacklogBytes: 1024 * 1024,
  level: "info",
};
