/**
 * The hub refused this worker for a reason that retrying cannot fix: no
 * worker token, an unknown or revoked one, labels outside the token's
 * scope, a protocol the hub does not speak; or the worker refused the hub,
 * whose TLS certificate it does not trust. Transient refusals (a hub
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

  /**
   * The hub's TLS certificate is not one this worker trusts (signed by an
   * unknown CA, for another name, expired): `detail` is what TLS said.
   */
  static untrustedCertificate(hubUrl: string, detail: string): WorkerRefusedError {
    const error = new WorkerRefusedError("untrusted_certificate", detail, hubUrl);
    error.message = `The hub at ${hubUrl} presented a TLS certificate this worker does not ` +
      `trust (${detail}); set DROVER_HUB_CA_FILE to a PEM file holding the CA that signed ` +
      "it, or check that the hub URL's host is a name the certificate covers";
    return error;
  }
}

/**
 * The refusal for a connection that failed on the hub's TLS certificate
 * (`error` as the socket reported it, e.g. "… invalid peer certificate:
 * UnknownIssuer"), or null for any other failure.
 */
export function untrustedHub(error: string | undefined, hubUrl: string): WorkerRefusedError | null {
  const m = /invalid peer certificate[^\n]*/i.exec(error ?? "");
  return m ? WorkerRefusedError.untrustedCertificate(hubUrl, m[0]) : null;
}
