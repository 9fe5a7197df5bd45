/**
 * The destinations of `SqlTableTarget`: PostgreSQL (the `postgres` driver)
 * and SQLite/libSQL (`@libsql/client`), one connection pool per URL in the
 * process. Each keeps the markers table and loads rows with their marker in
 * one transaction.
 *
 * @module
 */
import { type Client as LibsqlClient, createClient } from "@libsql/client";
import postgres from "postgres";

/** The table of markers, one per committed target. */
export const MARKERS = "drover_sql_markers";
/** Rows inserted by one statement. */
const INSERT_BATCH = 500;
/** A table (`name`, `schema.name`) or column name. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/** A destination database: markers and loads. */
export interface SqlDatabase {
  markerOf(key: string): Promise<{ attempt: string; rows: number } | null>;
  /** In one transaction: the marker, and the rows when the marker is new. Returns whether it was. */
  load(
    table: string,
    key: string,
    attempt: string,
    rows: Record<string, unknown>[],
  ): Promise<boolean>;
  close(): Promise<void>;
}

const databases = new Map<string, SqlDatabase>();

/** The database at `url`, opened on first use. */
export function databaseFor(url: string): SqlDatabase {
  let db = databases.get(url);
  if (!db) {
    db = /^postgres(ql)?:\/\//.test(url) ? postgresDatabase(url) : libsqlDatabase(url);
    databases.set(url, db);
  }
  return db;
}

/** Closes every connection this process opened (tests; a worker keeps them). */
export async function closeSqlDatabases(): Promise<void> {
  const all = [...databases.values()];
  databases.clear();
  await Promise.all(all.map((d) => d.close()));
}

/** Every row's fields, in the order first seen (a field a row lacks goes in as NULL). */
function columnsOf(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const c of Object.keys(row)) seen.add(c);
  const columns = [...seen];
  for (const c of columns) {
    if (!IDENTIFIER.test(c) || c.includes(".")) throw new TypeError(`Not a column name: "${c}"`);
  }
  return columns;
}

/** Rows in one INSERT: at most 500, and 30,000 values (PostgreSQL takes 65,535, SQLite 32,766). */
function rowsPerInsert(columns: readonly string[]): number {
  return Math.max(1, Math.min(INSERT_BATCH, Math.floor(30_000 / Math.max(1, columns.length))));
}

function value(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

function postgresDatabase(url: string): SqlDatabase {
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  let ready: Promise<unknown> | null = null;
  const init = () =>
    ready ??= sql.unsafe(`CREATE TABLE IF NOT EXISTS ${MARKERS} (
      target text PRIMARY KEY, attempt text NOT NULL, rows integer NOT NULL,
      committed_at timestamptz NOT NULL DEFAULT now())`).catch((error) => {
      ready = null;
      throw error;
    });
  return {
    async markerOf(key) {
      await init();
      const [row] = await sql<{ attempt: string; rows: number }[]>`
        SELECT attempt, rows FROM ${sql(MARKERS)} WHERE target = ${key}`;
      return row ?? null;
    },
    async load(table, key, attempt, rows) {
      await init();
      const columns = columnsOf(rows);
      return await sql.begin(async (tx) => {
        const inserted = await tx`
          INSERT INTO ${
          tx(MARKERS)
        } (target, attempt, rows) VALUES (${key}, ${attempt}, ${rows.length})
          ON CONFLICT (target) DO NOTHING RETURNING target`;
        if (inserted.length === 0) return false;
        const per = rowsPerInsert(columns);
        for (let i = 0; i < rows.length; i += per) {
          const batch = rows.slice(i, i + per).map((r) =>
            Object.fromEntries(columns.map((c) => [c, value(r[c])]))
          );
          await tx`INSERT INTO ${tx(table)} ${tx(batch, columns)}`;
        }
        return true;
      }) as boolean;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

function libsqlDatabase(url: string): SqlDatabase {
  // The busy timeout through the client option: it reaches every pooled connection.
  const client: LibsqlClient = createClient({ url, timeout: 10_000 });
  // SQLite waits for a lock synchronously, stopping this process's event loop: two
  // attempts of one worker must never wait on each other (the one holding the lock
  // could not go on), so this process uses the database one operation at a time.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = turn.then(fn);
    turn = next.catch(() => {});
    return next;
  };
  let ready: Promise<unknown> | null = null;
  const init = () =>
    ready ??= client.execute(`CREATE TABLE IF NOT EXISTS ${MARKERS} (
      target TEXT PRIMARY KEY, attempt TEXT NOT NULL, rows INTEGER NOT NULL,
      committed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`).catch(
      (error) => {
        ready = null;
        throw error;
      },
    );
  const quoted = (name: string) => name.split(".").map((p) => `"${p}"`).join(".");
  return {
    markerOf: (key) =>
      inTurn(async () => {
        await init();
        const out = await client.execute({
          sql: `SELECT attempt, rows FROM ${MARKERS} WHERE target = ?`,
          args: [key],
        });
        const row = out.rows[0];
        return row ? { attempt: String(row.attempt), rows: Number(row.rows) } : null;
      }),
    load: (table, key, attempt, rows) =>
      inTurn(async () => {
        await init();
        const columns = columnsOf(rows);
        const tx = await client.transaction("write");
        try {
          const inserted = await tx.execute({
            sql: `INSERT INTO ${MARKERS} (target, attempt, rows) VALUES (?, ?, ?)
            ON CONFLICT (target) DO NOTHING RETURNING target`,
            args: [key, attempt, rows.length],
          });
          if (inserted.rows.length === 0) {
            await tx.rollback();
            return false;
          }
          const per = rowsPerInsert(columns);
          for (let i = 0; i < rows.length; i += per) {
            const batch = rows.slice(i, i + per);
            const tuple = `(${columns.map(() => "?").join(", ")})`;
            await tx.execute({
              sql: `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(", ")}) VALUES ${
                batch.map(() => tuple).join(", ")
              }`,
              args: batch.flatMap((r) => columns.map((c) => value(r[c]))),
            });
          }
          await tx.commit();
          return true;
        } catch (error) {
          await tx.rollback().catch(() => {});
          throw error;
        } finally {
          tx.close();
        }
      }),
    close: () => Promise.resolve(client.close()),
  };
}
