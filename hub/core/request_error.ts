/**
 * A request the hub turns down, from any layer (the HTTP framework, a
 * route, the service layer): its status, a stable code clients branch on,
 * a message naming what is wrong, and the request field at fault. The app's
 * one `onError` answers it as problem+json.
 */
export class RequestError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503;
  readonly code: string;
  readonly field?: string;
  constructor(
    status: RequestError["status"],
    code: string,
    message: string,
    options?: { field?: string; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = "RequestError";
    this.status = status;
    this.code = code;
    this.field = options?.field;
  }
}
