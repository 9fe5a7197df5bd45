/**
 * `POST /api/db/backup`: what may be backed up, and where; the copy itself
 * is `db/backup.ts`.
 */
import { isAbsolute } from "node:path";
import type { Database } from "../db/client.ts";
import { type Backup, vacuumInto } from "../db/backup.ts";
import { RequestError } from "./request_error.ts";

/** Copies `database` to `path` (absolute, on the hub's machine, not there yet). */
export async function backupDatabase(database: Database, path: string): Promise<Backup> {
  if (database.client.protocol !== "file" || database.singleConnection) {
    throw new RequestError(
      409,
      "backup_unsupported",
      database.singleConnection
        ? "This hub's database is in memory: there is nothing to back up"
        : database.client.protocol === "postgres"
        ? "This hub's database is PostgreSQL: back it up with PostgreSQL's own tools " +
          "(pg_dump, or pg_basebackup and WAL archiving for point-in-time recovery)"
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
  return await vacuumInto(database, path);
}

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}
