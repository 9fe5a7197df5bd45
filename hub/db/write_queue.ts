/**
 * One writer per hub, with group commit.
 *
 * SQLite has one writer, so the hub funnels every write through this queue.
 * Operations that arrive while a transaction is committing are written
 * together in the next one, each inside its own savepoint: one fsync covers
 * many grants, renewals and completions, and one operation that throws rolls
 * back only itself. A caller's promise settles only after the commit, so
 * nothing is acknowledged to a worker before it is durable.
 *
 * A group whose transaction could not begin because the database stayed
 * busy past its busy timeout (another hub holding the write lock) is tried
 * again, at most `busyRetries` times: no operation of it has run yet (BEGIN
 * IMMEDIATE takes the write lock before the first one), so nothing is
 * done twice.
 *
 * A group that failed because the database went away (a PostgreSQL primary
 * lost, failing over, or cut off) is tried again, with backoff, for up to
 * `outageMs`: meanwhile nothing is acknowledged and nothing granted, and the
 * callers wait. Only a group that is sure not to have been applied is tried
 * again: one whose connection was lost during COMMIT fails instead
 * (`commitOutcomeUnknown`), as does, on libSQL, one that had begun.
 *
 * On PostgreSQL, claims and renewals go in groups of their own, which run
 * beside other hubs' (the write lock shared); an operation, or a group,
 * that PostgreSQL rolls back to break a deadlock is tried again.
 */
import type { Database, Tx } from "./client.ts";
import { commitOutcomeUnknown, dbErrorKind } from "./db_error_kind.ts";
import { startStretch, yieldNow } from "./yield_now.ts";

/** Times an operation, or a group, rolled back by PostgreSQL to break a deadlock is tried again. */
const CONFLICT_RETRIES = 3;

interface Pending {
  op: (tx: Tx) => Promise<unknown>;
  /** A claim: on PostgreSQL, its group takes the write lock shared (see `write`). */
  shared?: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** A read queued behind writes (single connection): its commit wrote nothing. */
  read?: boolean;
}

/** Figures for metrics and benchmarks. */
export interface WriteQueueStats {
  transactions: number;
  operations: number;
  largestBatch: number;
  failedCommits: number;
}

/** Options for {@link WriteQueue}. */
export interface WriteQueueOptions {
  /** Most operations in one transaction. */
  maxBatch?: number;
  /**
   * No operation joins a group that has already spent this long (ms) in its
   * transaction; it goes in the next one. Default 25.
   */
  groupMs?: number;
  /** Called with each commit's duration (ms) and size. */
  onCommit?: (ms: number, size: number) => void;
  /** Called with each error of a commit, of an operation in a group, or of a read. */
  onError?: (error: unknown) => void;
  /** Times a group is tried again when its transaction cannot begin for a busy database. Default 2. */
  busyRetries?: number;
  /** Called before each such retry. */
  onBusyRetry?: (error: unknown) => void;
  /** How long (ms) a group waits for a database that went away. Default 30,000. */
  outageMs?: number;
  /** Called before each try of a group that waits for the database. */
  onUnavailable?: (error: unknown, waitedMs: number) => void;
}

/** The hub's write queue. */
export class WriteQueue {
  readonly #database: Database;
  readonly #maxBatch: number;
  readonly #groupMs: number;
  readonly #o: WriteQueueOptions;
  readonly #committed = new Set<() => void>();
  #pending: Pending[] = [];
  #draining: Promise<void> | null = null;
  #closed = false;
  readonly stats: WriteQueueStats = {
    transactions: 0,
    operations: 0,
    largestBatch: 0,
    failedCommits: 0,
  };

  constructor(database: Database, options: WriteQueueOptions = {}) {
    this.#database = database;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#groupMs = options.groupMs ?? 25;
    this.#o = options;
  }

  /** Operations waiting for the next transaction. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Runs `op` in the next group transaction; settles after the commit.
   * `shared`: `op` only claims (`claim_tasks.ts`) or renews leases, with
   * statements that stay right when other hubs' claims and renewals run at
   * the same time (rows locked or skipped, conditional updates); on
   * PostgreSQL such operations go in groups of their own, which take the
   * write lock shared, so that they run side by side on every hub.
   */
  write<T>(op: (tx: Tx) => Promise<T>, options: { shared?: boolean } = {}): Promise<T> {
    return this.#enqueue(op, false, options.shared);
  }

  /**
   * Calls `listener` after each commit that held a write (not only queued
   * reads), before the writers' promises settle; returns its remover.
   */
  addCommitListener(listener: () => void): () => void {
    this.#committed.add(listener);
    return () => this.#committed.delete(listener);
  }

  /**
   * Runs a read. On a single-connection database (`:memory:`) reads queue
   * behind writes, because an open transaction holds the only connection.
   */
  read<T>(op: (tx: Tx | Database["db"]) => Promise<T>): Promise<T> {
    if (this.#database.singleConnection) return this.#enqueue(op, true);
    const onError = this.#o.onError;
    return onError
      ? op(this.#database.db).catch((error) => {
        onError(error);
        throw error;
      })
      : op(this.#database.db);
  }

  #enqueue<T>(op: (tx: Tx) => Promise<T>, read: boolean, shared = false): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The hub's write queue is closed"));
    // Where every write excludes the others anyway, claims join any group.
    shared &&= this.#database.sharedWrites !== undefined;
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ op, resolve: resolve as (v: unknown) => void, reject, read, shared });
      this.#draining ??= this.#drain();
    });
  }

  /** Waits for queued writes, then refuses new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    // Let the frames and requests already waiting in the event loop (not
    // only this tick's operations) add theirs to the first group: one
    // macrotask, far less than a commit.
    startStretch();
    await yieldNow();
    try {
      while (this.#pending.length > 0) {
        // The operations at the head of the queue of one kind (shared or not).
        const kind = this.#pending[0]!.shared;
        let n = 1;
        while (n < this.#maxBatch && this.#pending[n]?.shared === kind) n++;
        const batch = this.#pending.splice(0, n);
        startStretch();
        await this.#commit(batch);
        // Statements run synchronously: back-to-back transactions (the parts
        // of a big expansion) would hold every socket and HTTP request until
        // the last one. Between transactions, what arrived goes first (and
        // may join the next group); after a long transaction, the rest of
        // the hub gets a rest's worth of turns (see yield_now.ts).
        if (this.#pending.length > 0) await yieldNow();
      }
    } finally {
      this.#draining = null;
    }
  }

  /** Whether a group that failed with `error` went unapplied because the database went away. */
  #retryAfterOutage(error: unknown, began: boolean): boolean {
    if (this.#closed || dbErrorKind(error) !== "connection" || commitOutcomeUnknown(error)) {
      return false;
    }
    // Our PostgreSQL client says when a COMMIT's fate is unknown; libSQL's does not.
    return !began || this.#database.client.protocol === "postgres";
  }

  async #commit(group: Pending[]): Promise<void> {
    let started = performance.now();
    let outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let batch = group;
    let outageSince: number | null = null;
    for (let retries = 0;; retries++) {
      let began = false;
      batch = group;
      try {
        const shared = group[0]!.shared && this.#database.sharedWrites;
        const start = () =>
          this.#database.db.transaction(async (tx) => {
            began = true;
            for (const [i, item] of group.entries()) {
              // A group stops growing once it has held the database for long
              // (the parts of a big expansion): the rest go in the next one.
              if (i > 0 && performance.now() - started > this.#groupMs) {
                batch = group.slice(0, i);
                break;
              }
              for (let conflicts = 0;; conflicts++) {
                try {
                  const value = batch.length === 1
                    ? await item.op(tx)
                    : await tx.transaction((sp) => item.op(sp));
                  outcomes.push({ ok: true, value });
                } catch (error) {
                  if (batch.length === 1) throw error;
                  // A deadlock between claims was undone to the savepoint: again.
                  if (dbErrorKind(error) === "conflict" && conflicts < CONFLICT_RETRIES) continue;
                  this.#o.onError?.(error);
                  outcomes.push({ ok: false, error });
                }
                break;
              }
            }
          }, { behavior: "immediate" });
        await (shared ? shared(start) : start());
        break;
      } catch (error) {
        const busy = !began && dbErrorKind(error) === "busy";
        // PostgreSQL broke a deadlock (between claims) by rolling this group back: again.
        if (dbErrorKind(error) === "conflict" && retries < CONFLICT_RETRIES && !this.#closed) {
          this.#o.onError?.(error);
          started = performance.now();
          outcomes = [];
          continue;
        }
        // libSQL leaves the BEGIN that failed in progress on its connection, and
        // that connection then refuses every later COMMIT ("SQL statements in
        // progress"): open fresh connections.
        if (busy) await this.#database.client.reconnect();
        if (busy && retries < (this.#o.busyRetries ?? 2)) {
          this.#o.onBusyRetry?.(error);
          // The busy wait blocked this thread; let the rest of the hub run first.
          await new Promise((resolve) => setTimeout(resolve, 10 * (retries + 1)));
          started = performance.now();
          outcomes = [];
          continue;
        }
        const waited = outageSince === null ? 0 : performance.now() - outageSince;
        if (this.#retryAfterOutage(error, began) && waited < (this.#o.outageMs ?? 30_000)) {
          outageSince ??= performance.now();
          this.#o.onUnavailable?.(error, waited);
          await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** retries)));
          started = performance.now();
          outcomes = [];
          continue;
        }
        this.stats.failedCommits++;
        this.#o.onError?.(error);
        for (const item of batch) item.reject(error);
        // Those that did not fit in the group never ran: they go next.
        if (batch.length < group.length) this.#pending.unshift(...group.slice(batch.length));
        return;
      }
    }
    if (batch.length < group.length) this.#pending.unshift(...group.slice(batch.length));
    this.stats.transactions++;
    this.stats.operations += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    this.#o.onCommit?.(performance.now() - started, batch.length);
    if (this.#committed.size > 0 && batch.some((item) => !item.read)) {
      for (const listener of this.#committed) listener();
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
