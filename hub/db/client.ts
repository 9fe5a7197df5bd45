/**
 * Opens the hub's libSQL database and applies migrations.
 */
import { installStatementCache } from "./statement_cache.ts";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.ts";
import { createPostgresClient } from "./pg/libsql_client.ts";
import { dbErrorKind } from "./db_error_kind.ts";
import { migratePostgres } from "./pg/migrate.ts";
import { eventHorizon } from "./pg/event_horizon.ts";

/** The drizzle database type. */
export type Db = LibSQLDatabase<typeof schema>;
/** A transaction (or savepoint) handle; every db operation takes one. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** What a read model reads through: the database, or a transaction. */
export type Reader = Db | Tx;

/** An open database. */
export interface Database {
  readonly client: Client;
  readonly db: Db;
  /** True for `:memory:`: one connection, so reads must queue behind writes. */
  readonly singleConnection: boolean;
  /**
   * PostgreSQL only: calls `wake` when any hub commits events (`LISTEN
   * drover_events`, see migration 0005); returns the unsubscribe.
   */
  onEvents?(wake: () => void): () => void;
  /**
   * PostgreSQL only: the id up to which every event that will ever commit
   * is visible (`pg/event_horizon.ts`). Without it, the newest id is.
   */
  eventHorizon?(): Promise<number>;
  /**
   * PostgreSQL only: write transactions begun inside `start` take the write
   * lock shared (claims run side by side on every hub); see
   * `pg/libsql_client.ts`. Without it, every write excludes the others.
   */
  sharedWrites?<T>(start: () => T): T;
  close(): void;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** SQLite busy timeout on every pooled connection (libsql-client-ts#352: never leave it unset). */
  busyTimeoutMs: number;
  /** Auth token for sqld / Turso. */
  authToken?: string;
  /**
   * PostgreSQL: how long to keep trying (with backoff) while the database
   * cannot be reached. Default 0: once.
   */
  connectTimeoutMs?: number;
  /** Called before each such try again. */
  onRetry?: (error: unknown, waitedMs: number) => void;
}

/** The database could not be opened; the message names it (credentials hidden) and says why. */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatabaseOpenError";
  }
}

/**
 * The migrations folder next to this checkout, as a file system path. A
 * URL's `pathname` keeps percent-escapes (a space is `%20`), so a checkout
 * under "My Projects/" would not be found; `fileURLToPath` decodes them.
 */
export function migrationsFolder(base: string | URL = import.meta.url): string {
  return fileURLToPath(new URL("../../migrations", base));
}

/**
 * Opens `url` (creating the directory of a `file:` database), switches a file
 * database to WAL, and applies pending migrations before returning.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions): Promise<Database> {
  if (isPostgresUrl(url)) return await openPostgres(url, options);
  installStatementCache();
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length);
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const client = createClient({
    url,
    authToken: options.authToken,
    // The busy timeout must reach every pooled connection, so it goes through
    // the client option, not a PRAGMA (which reaches one connection only).
    timeout: options.busyTimeoutMs,
  });
  const singleConnection = url === ":memory:" || url === "file::memory:";
  try {
    if (url.startsWith("file:") && !singleConnection) {
      // journal_mode is stored in the file, so one connection is enough.
      await client.execute("PRAGMA journal_mode = WAL");
    }
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: migrationsFolder() });
    return { client, db, singleConnection, close: () => client.close() };
  } catch (error) {
    client.close();
    throw new DatabaseOpenError(
      `Cannot open the database at ${redactUrl(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`). */
function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/** Opens a PostgreSQL database behind the libSQL client interface and migrates it. */
async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const client = createPostgresClient(url);
  try {
    const started = Date.now();
    for (let attempt = 0;; attempt++) {
      try {
        await migratePostgres(await client.primary());
        break;
      } catch (error) {
        const waited = Date.now() - started;
        if (dbErrorKind(error) !== "connection" || waited >= (options.connectTimeoutMs ?? 0)) {
          throw error;
        }
        options.onRetry?.(error, waited);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
    const db = drizzle(client, { schema });
    return {
      client,
      db,
      singleConnection: false,
      onEvents: (wake) => client.listen("drover_events", wake),
      eventHorizon: eventHorizon(() => client.primary()),
      sharedWrites: (start) => client.sharedWrites(start),
      close: () => client.close(),
    };
  } catch (error) {
    client.close();
    throw new DatabaseOpenError(
      `Cannot open the database at ${redactUrl(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Hides credentials in a database URL for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/(authToken=)[^&]+/i, "$1***").replace(/\/\/[^@/]+@/, "//***@");
}
