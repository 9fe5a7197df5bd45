/**
 * A consistent copy of a local libSQL (SQLite) database, taken while hubs
 * keep running: `VACUUM INTO` reads one snapshot (WAL: writers go on) and
 * writes a compact file, which is a database to restore from as it is.
 */
import { isAbsolute } from "node:path";
import { RequestError } from "../core/request_error.ts";
import type { Database } from "./client.ts";

/** What a backup made. */
export interface Backup {
  path: string;
  bytes: number;
  ms: number;
}

/** Copies `database` to `path` (absolute, on the hub's machine, not there yet). */
export async function backupDatabase(database: Database, path: string): Promise<Backup> {
  if (database.client.protocol !== "file" || database.singleConnection) {
    throw new RequestError(
      409,
      "backup_unsupported",
      database.singleConnection
        ? "This hub's database is in memory: there is nothing to back up"
        : "This hub's database is remote: back it up with its server's own tools (for Turso, " +
          "its point-in-time restore or `turso db shell … .dump`)",
    );
  }
  if (!isAbsolute(path)) {
    throw new RequestError(400, "bad_path", `The backup path must be absolute: "${path}"`, {
      field: "path",
    });
  }
  if (await exists(path)) {
    throw new RequestError(409, "backup_exists", `"${path}" exists already: choose a new file`, {
      field: "path",
    });
  }
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  if (!(await Deno.stat(dir).then((s) => s.isDirectory, () => false))) {
    throw new RequestError(400, "bad_path", `No directory "${dir}" on the hub's machine`, {
      field: "path",
    });
  }
  const started = performance.now();
  await database.client.execute({ sql: "VACUUM INTO ?", args: [path] });
  const ms = performance.now() - started;
  return { path, bytes: (await Deno.stat(path)).size, ms: Math.round(ms) };
}

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}
