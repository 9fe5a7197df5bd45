/**
 * The failures `drover` expects and reports in one line, each with its own
 * exit code (see `exit_codes.ts`).
 */

/** A bad command line: unknown command or option, missing argument, bad `--param`. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The hub did not answer: connection refused, unknown host, timeout. */
export class HubUnreachableError extends Error {
  /** The base URL that was tried. */
  readonly url: string;
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(`Cannot reach the hub at ${url}: ${reason}`, options);
    this.name = "HubUnreachableError";
    this.url = url;
  }
}

/** The hub answered with an error status (or a body the client cannot read). */
export class HubError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The hub's stable error code (`run_not_found`, `invalid_params`, ...). */
  readonly code: string;
  /** The request field the hub blamed, when it named one. */
  readonly field: string | null;
  constructor(
    status: number,
    code: string,
    message: string,
    options?: ErrorOptions & { field?: string | null },
  ) {
    super(message, options);
    this.name = "HubError";
    this.status = status;
    this.code = code;
    this.field = options?.field ?? null;
  }
}
