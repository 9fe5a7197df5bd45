/**
 * The database a hub test opens: a fresh `:memory:` SQLite database, or,
 * when the suite runs on PostgreSQL (`deno task test:postgres` sets
 * `DROVER_TEST_POSTGRES` to the URL of a throwaway server), a fresh
 * PostgreSQL database on that server. The same tests then check both backends.
 */
import postgres from "postgres";
import { type Database, openDatabase } from "./client.ts";

/** The throwaway PostgreSQL server the suite runs on, if any. */
export function testPostgresServer(): string | undefined {
  return Deno.env.get("DROVER_TEST_POSTGRES") || undefined;
}

/** A new, empty database's URL: on the test server, or `:memory:`. */
export async function newTestDatabaseUrl(): Promise<string> {
  const server = testPostgresServer();
  if (!server) return ":memory:";
  const name = `drover_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Opens (and migrates) a fresh test database; see {@link newTestDatabaseUrl}. */
export async function openTestDatabase(busyTimeoutMs = 1_000): Promise<Database> {
  return await openDatabase(await newTestDatabaseUrl(), { busyTimeoutMs });
}
