/**
 * Why a hub could not listen, in one line that names the setting to change:
 * what a person starting a hub on a port someone else holds needs to read.
 */

/** The hub could not listen on its address; the message says what to change. */
export class ListenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ListenError";
  }
}

/** `error` from `Deno.serve` as a {@link ListenError}, or `error` itself when it is another failure. */
export function listenError(error: unknown, host: string, port: number): unknown {
  const where = `${host}:${port}`;
  if (error instanceof Deno.errors.AddrInUse) {
    return new ListenError(
      `Cannot listen on ${where}: the port is in use. Set DROVER_PORT to a free port ` +
        `(0 picks one), or stop what holds it.`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return new ListenError(
      `Cannot listen on ${where}: ${host} is not an address of this machine. Set DROVER_HOST ` +
        `(127.0.0.1 for this machine only, 0.0.0.0 for every interface).`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new ListenError(
      `Cannot listen on ${where}: permission denied (ports below 1024 need privileges). ` +
        `Set DROVER_PORT to 1024 or above.`,
      { cause: error },
    );
  }
  return error;
}
