/**
 * The PostgreSQL side of `deno task bench --db postgres`: one throwaway
 * server (`testing/postgres.ts`) for the whole bench, and a fresh, empty
 * database on it for each run — `CREATE DATABASE` takes a fraction of a
 * second where a new server (initdb) takes a few seconds.
 *
 * The server is as durable as the libSQL file it is compared with: libSQL
 * runs the hub's file in WAL mode with `synchronous=FULL` (an fsync per
 * commit), so `fsync` and `synchronous_commit` stay on here (`fast: false`).
 */
import postgres from "postgres";
import { createTestDatabase, startPostgres } from "../testing/postgres.ts";

/** A database made for one run; dropped when disposed. */
export interface BenchDatabase extends AsyncDisposable {
  /** `postgres://…/<name>`, for the hub's `DROVER_DB_URL`. */
  readonly url: string;
}

/** The bench's PostgreSQL server. */
export interface BenchPostgres extends AsyncDisposable {
  /** The server's version number, e.g. "15.14". */
  readonly version: string;
  /** What the report says about the server's settings. */
  readonly settings: string;
  /** A new, empty database named after `label` (the workload). */
  createDatabase(label: string): Promise<BenchDatabase>;
}

/** Starts the server; dispose it to stop it and remove its directory. */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startPostgres({ name: "bench", fast: false });
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  const stop = async () => {
    await admin.end();
    await server[Symbol.asyncDispose]();
  };
  let version: string;
  try {
    const [row] = await admin`SHOW server_version`;
    // "15.14 (Debian 15.14-0+deb12u1)": the number is enough.
    version = String(row?.server_version).split(" ")[0]!;
  } catch (error) {
    await stop();
    throw error;
  }
  let made = 0;
  return {
    version,
    settings: "127.0.0.1, fsync and synchronous_commit on (libSQL fsyncs each commit too), " +
      "a fresh database per run",
    async createDatabase(label) {
      const name = `bench_${++made}_${label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
      return {
        url: await createTestDatabase(server.url, name),
        // The hub has stopped by then; FORCE ends any session it left behind.
        [Symbol.asyncDispose]: async () => {
          await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
    [Symbol.asyncDispose]: stop,
  };
}
