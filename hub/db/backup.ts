/**
 * A consistent copy of a local libSQL (SQLite) database, taken while hubs
 * keep running: `VACUUM INTO` reads one snapshot (WAL: writers go on) and
 * writes a compact file, which is a database to restore from as it is.
 */
import type { Database } from "./client.ts";

/** What a backup made. */
export interface Backup {
  path: string;
  bytes: number;
  ms: number;
}

/** Copies the local `database` to the new file `path`. */
export async function vacuumInto(database: Database, path: string): Promise<Backup> {
  const started = performance.now();
  await database.client.execute({ sql: "VACUUM INTO ?", args: [path] });
  const ms = performance.now() - started;
  return { path, bytes: (await Deno.stat(path)).size, ms: Math.round(ms) };
}
