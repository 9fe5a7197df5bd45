/** An error a route throws to answer with a status, a stable code and a message. */
export class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503;
  readonly code: string;
  readonly field?: string;
  constructor(
    status: HttpError["status"],
    code: string,
    message: string,
    options?: { field?: string; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.field = options?.field;
  }
}
