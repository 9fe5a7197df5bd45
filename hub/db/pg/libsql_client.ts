/**
 * PostgreSQL behind the `@libsql/client` interface, so that the hub's one
 * database layer (drizzle's libSQL driver, our raw statements, the write
 * queue) runs on either backend: the dialect differences stay here and in
 * `translate_sql.ts`, the schema mirror and the PostgreSQL migrations.
 *
 * - Statements are translated (see `translate_sql.ts`) and run as prepared
 *   statements through `postgres` (postgres.js).
 * - Rows come back as libSQL's do: indexed values (not enumerable) and named
 *   ones (enumerable); `plainRows` also carries them as plain objects, for
 *   `nativeRows`. `bigint` and `numeric` values are numbers.
 * - A write transaction takes a connection of its own and, first, a
 *   transaction-level advisory lock (the write lock) that every hub takes:
 *   exclusive for most writes, which are then applied one transaction at a
 *   time across hubs, as SQLite applies them, so every read-then-write the
 *   hub does inside a transaction stays valid; shared for claims
 *   ({@link PostgresClient.sharedWrites}), which run side by side on every
 *   hub, each taking ready rows with `FOR UPDATE SKIP LOCKED`, and exclude
 *   only the other writes. Event ids are therefore not handed out in commit
 *   order: tailers read up to `event_horizon.ts`. A read transaction is a
 *   REPEATABLE READ, READ ONLY snapshot.
 * - Arguments: booleans become 1 or 0 and bigints numbers' text, as libSQL
 *   stores them.
 */
import type {
  Client,
  InArgs,
  InStatement,
  ResultSet,
  Transaction,
  TransactionMode,
} from "@libsql/client";
import type { Sql } from "postgres";
import { openPrimaryPool } from "./primary_pool.ts";
import { startAutoAnalyze } from "./auto_analyze.ts";
import { run } from "./run_statement.ts";
import { commitFate } from "./commit_fate.ts";
import { PostgresTransaction } from "./transaction.ts";
import { ConnectionCloses, reserveConnection } from "./reserve.ts";

/** The advisory lock every write transaction takes first, the write lock ("writes" in ASCII). */
const WRITE_LOCK_KEY = "131333279212915";

/** Options for {@link createPostgresClient}. */
export interface PostgresClientOptions {
  /** Most pooled connections. Default 10. */
  max?: number;
  /** Seconds to wait for a connection to open. Default 10. */
  connectTimeoutS?: number;
}

/** What the PostgreSQL client adds to libSQL's. */
export interface PostgresClient extends Client {
  /** The primary's pool (found first, on a multi-host URL). */
  primary(): Promise<Sql>;
  /** Calls `onNotify` on each notification of `channel` (`LISTEN`); returns the unsubscribe. */
  listen(channel: string, onNotify: () => void): () => void;
  /**
   * Calls `start`, in which the write transactions begun at once (before
   * `start` returns: drizzle begins synchronously) take the write lock
   * shared, not exclusive: claims, which other hubs' claims need not wait for.
   */
  sharedWrites<T>(start: () => T): T;
}

/**
 * A `@libsql/client` `Client` on the PostgreSQL database at `url`
 * (`postgres://` or `postgresql://`, multi-host URLs with
 * `target_session_attrs=read-write` included).
 */
export function createPostgresClient(
  url: string,
  options: PostgresClientOptions = {},
): PostgresClient {
  const closes = new ConnectionCloses();
  const pool = openPrimaryPool(url, {
    max: options.max ?? 10,
    onclose: closes.onClose,
    connect_timeout: options.connectTimeoutS ?? 10,
    onnotice: () => {},
    connection: {
      // Short statements on tables that grow fast: the planner's estimates run
      // ahead of the rows, and JIT compiling a 10 ms statement cost 400 ms.
      jit: "off",
      // A hub cut off mid-transaction would hold the write lock (and its row
      // locks) until the server noticed, stalling every other hub: the server
      // ends a session idle in a transaction for 5 s (the hub's transactions
      // run their statements back to back), and the lock goes with it.
      idle_in_transaction_session_timeout: 5_000,
    },
    types: {
      // bigint (20) and numeric (1700, from sum()) as numbers, as libSQL reads integers.
      number: { to: 0, from: [20, 1700], serialize: (x: number) => String(x), parse: Number },
    } as never,
  });
  /** Runs `work` on the primary's pool; a lost connection sends the next call looking for it. */
  const onPrimary = async <T>(work: (sql: Sql) => Promise<T>): Promise<T> => {
    const sql = await pool.current();
    try {
      return await work(sql);
    } catch (error) {
      pool.noteError(sql, error);
      throw error;
    }
  };
  let closed = false;
  const analyze = startAutoAnalyze(() => pool.current());
  let shared = false;
  const begin = async (mode: TransactionMode): Promise<PostgresTransaction> => {
    const claim = shared && mode !== "read";
    // A claim also tells the triggers so (migration 0008): its run counts go
    // to the deltas, and its events notify the other hubs after the commit.
    const lock = claim
      ? `pg_advisory_xact_lock_shared(${WRITE_LOCK_KEY}), set_config('drover.shared_write', 'on', true)`
      : `pg_advisory_xact_lock(${WRITE_LOCK_KEY})`;
    const sql = await pool.current();
    const conn = await onPrimary(() => reserveConnection(sql, closes));
    let xid: string | undefined;
    try {
      if (mode === "read") await conn.unsafe("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      else {
        // Sent together (postgres.js pipelines them on the connection): one round trip.
        const [, [row]] = await Promise.all([
          conn.unsafe("BEGIN"),
          conn.unsafe<{ xid: string }[]>(
            `SELECT ${lock}, txid_current()::text AS xid`,
          ),
        ]);
        xid = row?.xid;
      }
    } catch (error) {
      pool.noteError(sql, error);
      conn.release();
      throw error;
    }
    return new PostgresTransaction(sql, conn, {
      onCommit: mode === "read" ? () => {} : analyze.noteWrite,
      onError: (error) => pool.noteError(sql, error),
      xid,
      fateOf: (id) => commitFate(() => pool.current(), id),
      notifyAfterCommit: claim
        ? () => void onPrimary((s) => s`SELECT pg_notify('drover_events', '')`).catch(() => {})
        : undefined,
    });
  };
  const client = {
    primary: () => pool.current(),
    sharedWrites<T>(start: () => T): T {
      shared = true;
      try {
        return start();
      } finally {
        shared = false;
      }
    },
    listen(channel: string, onNotify: () => void): () => void {
      // On the primary's pool, and again on the next one after a failover
      // (postgres.js itself reconnects a listener within one pool).
      let stopped = false;
      const listeners: Array<{ unlisten(): Promise<void> }> = [];
      const off = pool.onPool((sql) => {
        sql.listen(channel, () => onNotify()).then(
          (l) => stopped ? void l.unlisten().catch(() => {}) : listeners.push(l),
          () => {}, // the pool went away: the next one listens
        );
      });
      return () => {
        stopped = true;
        off();
        for (const l of listeners) void l.unlisten().catch(() => {});
      };
    },
    protocol: "postgres",
    get closed() {
      return closed;
    },
    execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
      return onPrimary((sql) => run(sql, sql, stmt, args));
    },
    async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred") {
      const tx = await begin(mode);
      try {
        const out = await tx.batch(
          stmts.map((s) => Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s),
        );
        await tx.commit();
        return out;
      } catch (error) {
        await tx.rollback();
        throw error;
      }
    },
    migrate(stmts: InStatement[]) {
      return client.batch(stmts, "write");
    },
    transaction(mode: TransactionMode = "write"): Promise<Transaction> {
      return begin(mode);
    },
    async executeMultiple(text: string): Promise<void> {
      await onPrimary((sql) => sql.unsafe(text));
    },
    sync(): Promise<never> {
      return Promise.reject(new Error("sync() is for libSQL embedded replicas, not PostgreSQL"));
    },
    close(): void {
      closed = true;
      void analyze.stop().finally(() => pool.end({ timeout: 5 }));
    },
    reconnect(): void {
      // postgres.js replaces broken connections by itself.
    },
  };
  return client as unknown as PostgresClient;
}
