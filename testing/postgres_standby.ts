/**
 * A hot standby of a test PostgreSQL server: `pg_basebackup -R` copies the
 * primary into a new temporary directory, and the copy runs as a streaming
 * replica on its own port. `promote()` makes it the primary, what Patroni or
 * CloudNativePG do when the primary is lost.
 *
 * For the primary to wait for it (synchronous replication), start the
 * primary with `synchronous_standby_names: "*"` and `fast: false`.
 *
 * @module
 */
import postgres from "postgres";
import {
  command,
  launch,
  postgresBinDir,
  type PostgresOptions,
  type PostgresServer,
  runAs,
} from "./postgres.ts";
import { removeTree } from "./remove_tree.ts";

/** A running standby. */
export interface PostgresStandby extends PostgresServer {
  /** Ends recovery (`pg_promote`) and resolves once the server takes writes. */
  promote(): Promise<void>;
}

/** Copies `primary` and starts the copy as its streaming standby. */
export async function startStandby(
  primary: PostgresServer,
  options: Pick<PostgresOptions, "name" | "settings" | "fast"> = {},
): Promise<PostgresStandby> {
  const bin = await postgresBinDir();
  const as = await runAs();
  const user = new URL(primary.url).username;
  const dir = await Deno.makeTempDir({ prefix: `drover-pg-${options.name ?? "standby"}-` });
  if (as) await Deno.chown(dir, as.uid, as.gid);
  const dataDir = `${dir}/data`;
  try {
    const copy = await command(bin, "pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primary.port),
      "-U",
      user,
      "-D",
      dataDir,
      "-R", // standby.signal and primary_conninfo
      "-X",
      "stream",
      "--no-sync",
      "--checkpoint=fast", // a spread checkpoint can take minutes
    ], as).output();
    if (!copy.success) {
      throw new Error(`pg_basebackup failed: ${new TextDecoder().decode(copy.stderr).trim()}`);
    }
  } catch (error) {
    await removeTree(dir);
    throw error;
  }
  const server = await launch(bin, as, dir, dataDir, user, { ...options, standby: true });
  return {
    ...server,
    async promote() {
      const sql = postgres(server.url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ done: boolean }[]>`SELECT pg_promote(true, 30) AS done`;
        if (!row?.done) throw new Error(`The standby on port ${server.port} was not promoted`);
      } finally {
        await sql.end();
      }
    },
  };
}
