/**
 * Error types that callers catch. Errors cross the wire as data
 * ({@link WireError}), never by `instanceof`.
 *
 * @module
 */

/**
 * A failure worth another attempt (a flaky network, a busy upstream).
 *
 * @example
 * ```ts
 * import { RetryableError } from "./errors.ts";
 * throw new RetryableError("warehouse returned 503");
 * ```
 */
export class RetryableError extends Error {
  /** Creates the error; pass `{ cause }` to keep the original. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RetryableError";
  }
}

/**
 * A failure that another attempt cannot fix (bad input data, a missing table).
 *
 * @example
 * ```ts
 * import { PermanentError } from "./errors.ts";
 * throw new PermanentError('column "ts" is missing from events.jsonl');
 * ```
 */
export class PermanentError extends Error {
  /** Creates the error; pass `{ cause }` to keep the original. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentError";
  }
}

/**
 * The reason a task's signal aborts when the hub refused to renew its lease:
 * another worker may now own the task, so this attempt must not publish.
 *
 * @example
 * ```ts
 * import { LeaseLostError } from "./errors.ts";
 * const err = new LeaseLostError("ExtractRaw_2026-11-23_ab12", "epoch 3 is stale");
 * console.assert(err.taskId === "ExtractRaw_2026-11-23_ab12");
 * ```
 */
export class LeaseLostError extends Error {
  /** The task whose lease was lost. */
  readonly taskId: string;
  /** Creates the error for `taskId` with the hub's reason. */
  constructor(taskId: string, reason: string, options?: ErrorOptions) {
    super(`Lost the lease on "${taskId}": ${reason}`, options);
    this.name = "LeaseLostError";
    this.taskId = taskId;
  }
}

/**
 * The reason a task's signal aborts when an operator cancelled the task or
 * its run: the attempt stops and publishes nothing.
 *
 * @example
 * ```ts
 * import { TaskCancelledError } from "./errors.ts";
 * console.assert(new TaskCancelledError("Load_x_1", "cancelled by admin").name === "TaskCancelledError");
 * ```
 */
export class TaskCancelledError extends Error {
  /** Creates the error for `taskId` with the hub's reason. */
  constructor(taskId: string, reason: string, options?: ErrorOptions) {
    super(`Task "${taskId}" was cancelled: ${reason}`, options);
    this.name = "TaskCancelledError";
  }
}

/**
 * The reason a task's signal aborts when it ran past its timeout.
 *
 * @example
 * ```ts
 * import { TaskTimeoutError } from "./errors.ts";
 * const err = new TaskTimeoutError("Load_x_1", 60_000);
 * console.assert(err.name === "TaskTimeoutError");
 * ```
 */
export class TaskTimeoutError extends Error {
  /** Creates the error for `taskId` that exceeded `timeoutMs`. */
  constructor(taskId: string, timeoutMs: number, options?: ErrorOptions) {
    super(`Task "${taskId}" ran longer than its timeout of ${timeoutMs} ms`, options);
    this.name = "TaskTimeoutError";
  }
}

/**
 * The reason a task's signal aborts when its worker shuts down and the task
 * did not finish within the grace time: the lease is handed back and the
 * attempt publishes nothing.
 *
 * @example
 * ```ts
 * import { WorkerShutdownError } from "./errors.ts";
 * const err = new WorkerShutdownError("Load_x_1", 30_000);
 * console.assert(err.name === "WorkerShutdownError" && err.taskId === "Load_x_1");
 * ```
 */
export class WorkerShutdownError extends Error {
  /** The task that was stopped. */
  readonly taskId: string;
  /** Creates the error for `taskId`, stopped after a grace time of `graceMs`. */
  constructor(taskId: string, graceMs: number, options?: ErrorOptions) {
    super(
      `Task "${taskId}" was stopped: the worker is shutting down and its grace time of ${graceMs} ms ran out`,
      options,
    );
    this.name = "WorkerShutdownError";
    this.taskId = taskId;
  }
}

/**
 * An error as it crosses the wire.
 *
 * @example
 * ```ts
 * import type { WireError } from "./errors.ts";
 * const e: WireError = { name: "RetryableError", message: "503", retryable: true };
 * ```
 */
export interface WireError {
  /** The error class name, e.g. `"RetryableError"`. */
  name: string;
  /** What failed. */
  message: string;
  /** Whether another attempt may succeed. */
  retryable: boolean;
  /** Where it was thrown, when the error carries a stack (cut at {@link MAX_STACK_CHARS}). */
  stack?: string;
}

/** The longest stack sent to the hub; the hub keeps it with the attempt. */
export const MAX_STACK_CHARS = 8_000;

/**
 * Turns anything thrown by task code into a {@link WireError}.
 *
 * Unknown errors count as retryable (as in Luigi, where any exception is
 * retried up to the retry policy); throw {@link PermanentError} to stop.
 *
 * @example
 * ```ts
 * import { PermanentError, toWireError } from "./errors.ts";
 * const wire = toWireError(new PermanentError("bad row"));
 * console.assert(wire.retryable === false);
 * ```
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const retryable = error.name !== "PermanentError";
    const message = error.message.length > 4000
      ? `${error.message.slice(0, 4000)}… (truncated)`
      : error.message;
    const wire: WireError = { name: error.name, message, retryable };
    if (typeof error.stack === "string" && error.stack !== "") {
      wire.stack = error.stack.length > MAX_STACK_CHARS
        ? `${error.stack.slice(0, MAX_STACK_CHARS)}\n… (truncated)`
        : error.stack;
    }
    return wire;
  }
  return { name: "Error", message: String(error), retryable: true };
}
