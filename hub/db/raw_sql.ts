/**
 * Statements of the hot path (a completion batch, a dispatch round, an
 * expansion's inserts) sent to libSQL as text and positional arguments,
 * without drizzle's query builder: building a statement of a few hundred
 * parameters through `sql` templates cost more CPU than SQLite spent
 * running it (drizzle's chunk walk was 12 % of the hub's samples in a
 * wide run). Everything else keeps using drizzle.
 */
import type { Client, InValue, Transaction } from "@libsql/client";
import { nativeRows } from "./statement_cache.ts";
import type { Reader, Tx } from "./client.ts";

/** A statement's text and its arguments, built side by side. */
export interface RawStatement {
  text: string;
  args: InValue[];
}

/** The libSQL transaction under a drizzle transaction (or savepoint) handle, if it is one. */
function libsqlTxOf(db: Reader): Transaction | undefined {
  return (db as unknown as { session?: { tx?: Transaction } }).session?.tx;
}

/** The libSQL transaction under a drizzle transaction (or savepoint) handle. */
function libsqlTx(tx: Tx): Transaction {
  const libsql = libsqlTxOf(tx);
  if (!libsql) throw new Error("rawAll/rawRun need a libSQL transaction handle");
  return libsql;
}

/** Runs `s` in `tx` and returns its rows: plain objects by column name (see `nativeRows`). */
export function rawAll<T>(tx: Tx, s: RawStatement): Promise<T[]> {
  const libsql = libsqlTx(tx);
  return nativeRows<T>(() => libsql.execute({ sql: s.text, args: s.args }));
}

/**
 * Reads `s` through `db` (the database, or a transaction) as plain rows, like
 * {@link rawAll}: a big page of tasks cost the client 60 µs a row to copy.
 * Outside a transaction the read takes a pooled connection for its own
 * read transaction (a snapshot, no lock).
 */
export async function readRows<T>(db: Reader, s: RawStatement): Promise<T[]> {
  if (libsqlTxOf(db)) return await rawAll<T>(db as Tx, s);
  const client = (db as unknown as { $client?: Client }).$client;
  if (!client) throw new Error("readRows needs a libSQL database or transaction handle");
  const tx = await client.transaction("read");
  try {
    return await nativeRows<T>(() => tx.execute({ sql: s.text, args: s.args }));
  } finally {
    tx.close();
  }
}

/** Runs `s` in `tx`; resolves to the rows it changed. */
export async function rawRun(tx: Tx, s: RawStatement): Promise<number> {
  return (await libsqlTx(tx).execute({ sql: s.text, args: s.args })).rowsAffected;
}

/** `?, ?, …`: `n` placeholders (an `IN` list). */
export function marks(n: number): string {
  return new Array(n).fill("?").join(", ");
}

/** `row, row, …`: `n` copies of a `VALUES` row such as `(?, ?, 'run', ?)`. */
export function rows(n: number, row: string): string {
  return new Array(n).fill(row).join(", ");
}

/** `(?, ?, …), (?, ?, …)`: `n` rows of `width` placeholders. */
export function placeholders(n: number, width: number): string {
  return rows(n, `(${marks(width)})`);
}
