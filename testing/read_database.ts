/**
 * Reads a hub's database from outside the hub, for the checks of tests and
 * the chaos suite: plain SQL over `@libsql/client` (or, for a `postgres://`
 * URL, over `postgres` with the `?` placeholders numbered), not the hub's
 * own code.
 *
 * @module
 */
import { createClient, type InValue } from "@libsql/client";
import postgres from "postgres";

/** Runs one SQL statement and resolves with its rows as plain objects. */
export type Query = <T = Record<string, unknown>>(
  sql: string,
  args?: readonly InValue[],
) => Promise<T[]>;

/**
 * Opens the database at `dbUrl` (busy timeout 5 s), hands `read` a query
 * function, and closes the database when `read` settles.
 *
 * @example
 * ```ts ignore
 * const n = await readDatabase(dbUrl, async (query) =>
 *   (await query<{ n: number }>("SELECT count(*) AS n FROM tasks"))[0]!.n);
 * ```
 */
export async function readDatabase<T>(
  dbUrl: string,
  read: (query: Query) => Promise<T>,
): Promise<T> {
  if (/^postgres(ql)?:\/\//.test(dbUrl)) return await readPostgres(dbUrl, read);
  const client = createClient({ url: dbUrl, timeout: 5_000 });
  try {
    const query = async <R>(sql: string, args: readonly InValue[] = []): Promise<R[]> => {
      const result = await client.execute({ sql, args: [...args] });
      return result.rows.map((row) =>
        Object.fromEntries(result.columns.map((column) => [column, row[column]])) as R
      );
    };
    return await read(query);
  } finally {
    client.close();
  }
}

/**
 * {@link readDatabase} on PostgreSQL: `?` becomes `$1`, `$2`, … (the checks'
 * SQL has no `?` inside a string), and `bigint` and `numeric` values
 * (counts, sums) are numbers, as libSQL reads them.
 */
async function readPostgres<T>(dbUrl: string, read: (query: Query) => Promise<T>): Promise<T> {
  const sql = postgres(dbUrl, {
    max: 1,
    onnotice: () => {},
    types: { number: { to: 0, from: [20, 1700], serialize: String, parse: Number } } as never,
  });
  try {
    const query = async <R>(text: string, args: readonly InValue[] = []): Promise<R[]> => {
      let n = 0;
      const rows = await sql.unsafe(text.replace(/\?/g, () => `$${++n}`), args as never[]);
      return [...rows] as R[];
    };
    return await read(query);
  } finally {
    await sql.end();
  }
}
