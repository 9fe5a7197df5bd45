/**
 * Prepared statements kept per connection. `@libsql/client` prepares every
 * statement it executes, and preparing costs more than running most of ours
 * (54 µs against 13–20 µs for a claim's SELECT or an attempt's INSERT: 55,000
 * prepares, 3 s of a 10,000-task run). This keeps the most recently used
 * statements of each libSQL connection, by SQL text, and hands them back.
 *
 * A statement whose execution threw is dropped, never reused: after
 * SQLITE_BUSY a statement can be left unreset (libsql-client-ts#352). A
 * closed connection drops its statements. The driver is patched once per
 * process, and only the driver version this module was written against.
 */
// @ts-types="./libsql_database.d.ts"
import Database from "libsql";

/** Statements kept per connection. */
const KEEP = 256;
const STATEMENTS = Symbol("drover.statements");

type Statement = Record<string, unknown>;
type Connection = { [STATEMENTS]?: Map<string, Statement> };
type Method = (this: Statement, ...args: unknown[]) => unknown;

/** What the cache did (for tests and the bench). */
export const statementCacheStats = { prepared: 0, reused: 0, dropped: 0 };

/** Where {@link nativeRows} wants the rows of the statement being executed. */
let capture: { rows: unknown[] | null } | null = null;

/**
 * The rows of the one statement that `execute` runs synchronously (a libSQL
 * transaction's `execute`), as the driver returns them: plain objects
 * keyed by column name, integers as numbers. The client would copy each
 * row into an object of indexed and named properties, one
 * `Object.defineProperty` per value, and convert every integer from a
 * BigInt: 7 % of a busy hub's time. The client is handed no rows.
 */
export async function nativeRows<T>(execute: () => Promise<unknown>): Promise<T[]> {
  const box: { rows: unknown[] | null } = { rows: null };
  let pending: Promise<unknown>;
  capture = box;
  try {
    pending = execute();
  } finally {
    capture = null;
  }
  const result = await pending as { plainRows?: unknown[] } | undefined;
  // PostgreSQL (pg/libsql_client.ts) hands its rows over as plain objects already.
  if (!box.rows && result?.plainRows) return result.plainRows as T[];
  if (!box.rows) {
    throw new Error(
      "nativeRows: no rows came back (a statement that returns none, or one not run synchronously)",
    );
  }
  return box.rows as T[];
}

let installed = false;

/** Patches the driver's `Database.prototype.prepare` (once). */
export function installStatementCache(): void {
  if (installed) return;
  installed = true;
  const proto = Database.prototype as unknown as {
    prepare(this: Connection, sql: string): Statement;
    close(this: Connection): unknown;
  };
  const prepare = proto.prepare;
  const close = proto.close;
  proto.prepare = function (this: Connection, sql: string): Statement {
    const kept = this[STATEMENTS] ??= new Map();
    const hit = kept.get(sql);
    if (hit) {
      // Most recently used last: the first is the one to drop.
      kept.delete(sql);
      kept.set(sql, hit);
      statementCacheStats.reused++;
      return hit;
    }
    const stmt = prepare.call(this, sql);
    statementCacheStats.prepared++;
    for (const name of ["run", "get", "all", "iterate"]) {
      const method = stmt[name] as Method | undefined;
      if (typeof method !== "function") continue;
      stmt[name] = function (this: Statement, ...args: unknown[]) {
        try {
          if (name === "all" && capture && !capture.rows) {
            (this.safeIntegers as Method).call(this, false);
            (this.raw as Method).call(this, false);
            capture.rows = method.apply(this, args) as unknown[];
            return [];
          }
          return method.apply(this, args);
        } catch (error) {
          if (kept.get(sql) === stmt) {
            kept.delete(sql);
            statementCacheStats.dropped++;
          }
          throw error;
        }
      };
    }
    rememberShape(stmt);
    // The client asks for the columns to name its rows: none are wanted here.
    const columns = stmt.columns as Method;
    stmt.columns = function (this: Statement, ...args: unknown[]) {
      return capture ? [] : columns.apply(this, args);
    };
    kept.set(sql, stmt);
    if (kept.size > KEEP) kept.delete(kept.keys().next().value!);
    return stmt;
  };
  proto.close = function (this: Connection) {
    this[STATEMENTS]?.clear();
    return close.call(this);
  };
}

/**
 * The client asks every statement, on every execution, for raw mode, which
 * throws (building a new error) for one that returns no rows: a statement
 * kept answers from what it said the first time (the same error, thrown
 * again; or nothing to do when raw mode is already what is asked). Its
 * columns are asked afresh each time: another hub may migrate the schema
 * under a statement, which SQLite then prepares again.
 */
function rememberShape(stmt: Statement): void {
  const raw = stmt.raw as Method;
  let refusal: unknown = undefined;
  let rawMode: unknown = undefined;
  stmt.raw = function (this: Statement, on?: unknown) {
    if (refusal !== undefined) throw refusal;
    const mode = on ?? true;
    if (mode === rawMode) return this;
    try {
      const result = raw.call(this, mode);
      rawMode = mode;
      return result;
    } catch (error) {
      refusal = error;
      throw error;
    }
  };
}
