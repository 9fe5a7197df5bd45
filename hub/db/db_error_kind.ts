/**
 * What kind of database error an error is, from the libSQL code, the
 * postgres.js code or the PostgreSQL SQLSTATE anywhere in its cause chain (drizzle wraps the driver's error): for the write queue's
 * busy retries and the `drover_db_errors_total` metric.
 */

/** A kind of database error. */
export type DbErrorKind =
  | "busy"
  | "locked"
  | "constraint"
  | "io"
  | "connection"
  | "conflict"
  | "other";

const BY_CODE: ReadonlyArray<[RegExp, DbErrorKind]> = [
  [/^SQLITE_BUSY/, "busy"],
  [/^SQLITE_LOCKED/, "locked"],
  [/^SQLITE_CONSTRAINT/, "constraint"],
  [/^SQLITE_(IOERR|FULL|CORRUPT|NOTADB|CANTOPEN|READONLY|NOLFS|PROTOCOL)/, "io"],
  [/^(HRANA_|SERVER_ERROR|HTTP_|WEBSOCKET|STREAM_|CLIENT_CLOSED|TRANSACTION_CLOSED)/, "connection"],
  // PostgreSQL (postgres.js): the connection or the primary lost, none to be found.
  [
    /^(CONNECTION_CLOSED|CONNECTION_DESTROYED|CONNECT_TIMEOUT|NO_PRIMARY|ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)/,
    "connection",
  ],
  [/^(08...|57P0[123]|25006)$/, "connection"],
  [/^23...$/, "constraint"],
  // A deadlock broken, or a serialization failure: rolled back, safe to try again.
  [/^40(001|P01)$/, "conflict"],
  [/^SQLITE_/, "other"],
];

/**
 * The kind of a database error, or null when `error` did not come from the
 * database (a domain error an operation threw, such as a 404).
 */
export function dbErrorKind(error: unknown): DbErrorKind | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      for (const [pattern, kind] of BY_CODE) if (pattern.test(code)) return kind;
    }
    if (current.name === "LibsqlError") return "other";
    if (/\bdatabase is (locked|busy)\b/i.test(current.message)) return "busy";
    current = current.cause;
  }
  return null;
}

/**
 * Whether the connection was lost while COMMIT was on its way: the
 * transaction may or may not have been applied, so it is not tried again.
 */
export function commitOutcomeUnknown(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === COMMIT_UNKNOWN ||
    (error instanceof Error && error.cause !== undefined && commitOutcomeUnknown(error.cause));
}

/** The code of the error {@link commitOutcomeUnknown} recognises. */
export const COMMIT_UNKNOWN = "COMMIT_UNKNOWN";
