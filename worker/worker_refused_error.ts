/**
 * The hub refused this worker for a reason that retrying cannot fix: no
 * worker token, an unknown or revoked one, labels outside the token's
 * scope, a protocol the hub does not speak. Transient refusals (a hub
 * shutting down, a database out of reach) are retried instead.
 *
 * @module
 */

/** Refusal codes (the hub's `error` frame before `welcome`) that end the worker. */
export const PERMANENT_REFUSALS: readonly string[] = [
  "unauthorized",
  "scope_violation",
  "unsupported_protocol",
  "bad_hello",
  "hello_expected",
];

/** What to change, by refusal code. */
const HINTS: Record<string, string> = {
  unauthorized:
    "set DROVER_WORKER_TOKEN to a worker token (drover token create --role worker prints one)",
  scope_violation:
    "set DROVER_WORKER_LABELS to labels the token's scope allows, or use a token whose scope fits",
  unsupported_protocol: "run a worker and a hub of the same Drover version",
};

/**
 * The hub refused this worker for good.
 *
 * @example
 * ```ts
 * import { WorkerRefusedError } from "./worker_refused_error.ts";
 * const e = new WorkerRefusedError("unauthorized", "a worker token is required", "http://hub");
 * console.assert(e.message.includes("DROVER_WORKER_TOKEN"));
 * ```
 */
export class WorkerRefusedError extends Error {
  /** The hub's refusal code (`unauthorized`, `scope_violation`, …). */
  readonly code: string;
  /** Creates the error from the hub's refusal. */
  constructor(code: string, reason: string, hubUrl: string, options?: ErrorOptions) {
    const hint = HINTS[code];
    super(`The hub at ${hubUrl} refused this worker: ${reason}${hint ? `; ${hint}` : ""}`, options);
    this.name = "WorkerRefusedError";
    this.code = code;
  }
}
