/**
 * The database a hub test opens: a fresh `:memory:` SQLite database, or,
 * when the suite runs on PostgreSQL (`deno task test:postgres` sets
 * `DROVER_TEST_POSTGRES` to the URL of a throwaway server), a fresh
 * PostgreSQL database on that server. The same tests then check both backends.
 */
import { createTestDatabase } from "../../testing/postgres.ts";
import { type Database, openDatabase } from "./client.ts";

/** The throwaway PostgreSQL server the suite runs on, if any. */
export function testPostgresServer(): string | undefined {
  return Deno.env.get("DROVER_TEST_POSTGRES") || undefined;
}

/** A new, empty database's URL: on the test server, or `:memory:`. */
export async function newTestDatabaseUrl(): Promise<string> {
  const server = testPostgresServer();
  return server ? await createTestDatabase(server) : ":memory:";
}

/** Opens (and migrates) a fresh test database; see {@link newTestDatabaseUrl}. */
export async function openTestDatabase(busyTimeoutMs = 1_000): Promise<Database> {
  return await openDatabase(await newTestDatabaseUrl(), { busyTimeoutMs });
}
