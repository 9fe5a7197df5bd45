/**
 * Reads a hub's database from outside the hub, for the checks of tests and
 * the chaos suite: plain SQL over `@libsql/client`, not the hub's own code.
 *
 * @module
 */
import { createClient, type InValue } from "@libsql/client";

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
