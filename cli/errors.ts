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

/**
 * The hub refused the request's credentials: 401 (no token, or an unknown or
 * revoked one) or 403 (the token's role may not do this).
 */
export class HubAuthError extends HubError {
  /** Where the token sent came from, or null when none was sent. */
  readonly tokenSource: TokenSource | null;
  constructor(
    status: 401 | 403,
    code: string,
    message: string,
    tokenSource: TokenSource | null,
    options?: ErrorOptions,
  ) {
    super(status, code, message, options);
    this.name = "HubAuthError";
    this.tokenSource = tokenSource;
  }
}

/** Where a token came from: the `--token` flag or `$DROVER_TOKEN`. */
export type TokenSource = "--token" | "DROVER_TOKEN";
