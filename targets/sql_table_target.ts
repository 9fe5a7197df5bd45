/**
 * Rows in a table of a SQL database (PostgreSQL, or SQLite/libSQL), loaded
 * exactly once — the seed's `LoadToBigQuery`, done right:
 *
 * - **Stage.** `write(jsonLines)` checks every row against the target's row
 *   schema (a data contract: a bad row fails the task for good, naming its
 *   line) and keeps the rows in a staging file on the worker. Nothing
 *   reaches the database.
 * - **Commit** (after the hub accepted the publication; safe to repeat): one
 *   transaction in the destination that inserts a marker row keyed by the
 *   target (`table/key`) into `drover_sql_markers`, and, only when that
 *   marker is new, the rows. A replay, or any other attempt, finds the
 *   marker and inserts nothing. Then the staging file goes.
 * - **Exists** when its marker does (`complete()` is one lookup).
 *
 * The table is yours (made beforehand, its columns the rows' fields); the
 * marker table is made when missing. The database URL is given as `url`,
 * or as `urlEnv`, the name of a variable holding it: a staged output's
 * description (kept in the worker's state directory) holds what was given,
 * so a URL with a password belongs in a variable.
 *
 * Register the kind on workers that use it:
 * `stagedKinds = { [SQL_KIND]: restoreSqlStaged }`.
 *
 * @module
 */
import { z } from "zod";
import { validateJsonLines } from "../shared/contract.ts";
import { atomicWrite, removeWithPartials } from "../shared/targets/local_target.ts";
import {
  type OutputData,
  safeStageKey,
  type StagedDescription,
  type StagedOutput,
  type Target,
} from "../shared/targets/target.ts";
import { databaseFor, IDENTIFIER, type SqlDatabase } from "./sql_databases.ts";

export { closeSqlDatabases, MARKERS } from "./sql_databases.ts";

/** The staged outputs' kind, for `stagedKinds`. */
export const SQL_KIND = "sql";

/** Where the rows go. */
export interface SqlTableOptions {
  /** `postgres://…`, `file:…` (SQLite), `libsql://…`; or give `urlEnv`. */
  url?: string;
  /** The name of the variable holding the URL (`WAREHOUSE_URL`). */
  urlEnv?: string;
  /** The table (`name` or `schema.name`), made beforehand; its columns are the rows' fields. */
  table: string;
  /** What this output is, among the table's loads (`2026-12-01`): with the table, the marker's key. */
  key: string;
  /** The rows' contract: each row is checked before it is staged (without it, any object). */
  rows?: z.ZodType<Record<string, unknown>>;
  /** Where rows wait on the worker. Default `$DROVER_DATA_DIR/.drover-staging/sql` (the worker's data directory). */
  stagingDir?: string;
}

/** A row without a contract: any JSON object. */
const ANY_ROW = z.record(z.string(), z.unknown());

/** A load of rows into a table. */
export class SqlTableTarget implements Target {
  readonly table: string;
  readonly key: string;
  readonly #o: SqlTableOptions;

  constructor(options: SqlTableOptions) {
    if ((options.url === undefined) === (options.urlEnv === undefined)) {
      throw new TypeError("SqlTableTarget needs url or urlEnv (one of them)");
    }
    if (!IDENTIFIER.test(options.table)) {
      throw new TypeError(`Not a table name (letters, digits, _; schema.name): "${options.table}"`);
    }
    if (!options.key || options.key.length > 200) {
      throw new TypeError("SqlTableTarget needs a key of 1 to 200 characters");
    }
    this.#o = options;
    this.table = options.table;
    this.key = options.key;
  }

  /** `sql://<table>/<key>` (the database is not part of it: its URL may hold a password). */
  get uri(): string {
    return `sql://${this.table}/${encodeURIComponent(this.key)}`;
  }

  /** The marker's key. */
  get markerKey(): string {
    return `${this.table}/${this.key}`;
  }

  /** The rows of `text` (JSON lines), each checked against the contract. */
  rowsOf(text: string): Record<string, unknown>[] {
    if (this.#o.rows) return validateJsonLines(text, this.#o.rows, this.uri);
    return validateJsonLines(text, ANY_ROW, this.uri);
  }

  /** Whether this load was committed (its marker exists). */
  async exists(): Promise<boolean> {
    return await databaseFor(this.#url()).markerOf(this.markerKey) !== null;
  }

  /** The rows this load inserted. */
  async count(): Promise<number> {
    return (await databaseFor(this.#url()).markerOf(this.markerKey))?.rows ?? 0;
  }

  stage(stageKey: string): StagedOutput {
    const safe = safeStageKey(stageKey);
    const dir = this.#o.stagingDir ??
      `${Deno.env.get("DROVER_DATA_DIR") ?? ".drover/data"}/.drover-staging/sql`;
    const file = `${dir}/${encodeURIComponent(this.markerKey).replaceAll("%", "_")}.${safe}.jsonl`;
    return new SqlStagedOutput(this, file, safe);
  }

  /** The database URL. */
  #url(): string {
    if (this.#o.url !== undefined) return this.#o.url;
    const url = Deno.env.get(this.#o.urlEnv!);
    if (!url) throw new Error(`${this.#o.urlEnv} is not set (SqlTableTarget ${this.uri})`);
    return url;
  }

  /** @internal How a staged output reaches its database. */
  connection(): SqlDatabase {
    return databaseFor(this.#url());
  }

  /** @internal What a description keeps of the options. */
  get where(): { url?: string; urlEnv?: string } {
    return this.#o.url !== undefined ? { url: this.#o.url } : { urlEnv: this.#o.urlEnv! };
  }
}

/** Turns an outbox description of kind `sql` back into its staged output. */
export function restoreSqlStaged(d: StagedDescription): StagedOutput {
  const o = d.options ?? {};
  const table = String(o.table ?? "");
  const key = String(o.key ?? "");
  const target = new SqlTableTarget({
    ...(typeof o.url === "string" ? { url: o.url } : { urlEnv: String(o.urlEnv) }),
    table,
    key,
  });
  return new SqlStagedOutput(target, d.staging, String(o.attempt ?? ""));
}

class SqlStagedOutput implements StagedOutput {
  readonly target: SqlTableTarget;
  readonly #file: string;
  readonly #attempt: string;
  #written = false;

  constructor(target: SqlTableTarget, file: string, attempt: string) {
    this.target = target;
    this.#file = file;
    this.#attempt = attempt;
  }

  /** Checks every row of `data` (JSON lines) against the contract, then stages them. */
  async write(data: OutputData): Promise<void> {
    const text = typeof data === "string" ? data : new TextDecoder().decode(
      data instanceof ReadableStream ? await new Response(data).bytes() : data,
    );
    const rows = this.target.rowsOf(text);
    // Durable before the hub is told (fsync, rename, fsync of the directory), like a file's.
    await atomicWrite(this.#file, rows.map((r) => JSON.stringify(r)).join("\n"));
    this.#written = true;
  }

  async written(): Promise<boolean> {
    return this.#written || await Deno.stat(this.#file).then(() => true, () => false);
  }

  async commit(): Promise<void> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.#file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // Nothing staged: a repeat after a commit that got as far as the clean-up.
      if (await this.target.exists()) return;
      throw new Error(`Nothing staged at ${this.#file} to commit to ${this.target.uri}`);
    }
    const rows = parseLines(text);
    await this.target.connection().load(
      this.target.table,
      this.target.markerKey,
      this.#attempt,
      rows,
    );
    await Deno.remove(this.#file).catch(() => {});
    this.#written = false;
  }

  async discard(): Promise<void> {
    this.#written = false;
    // A process killed inside write() left its temporary file beside it: that goes too.
    await removeWithPartials(this.#file);
  }

  describe(): StagedDescription {
    return {
      kind: SQL_KIND,
      final: this.target.uri,
      staging: this.#file,
      options: {
        ...this.target.where,
        table: this.target.table,
        key: this.target.key,
        attempt: this.#attempt,
      },
    };
  }
}

function parseLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}
