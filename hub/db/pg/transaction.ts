/**
 * A transaction on PostgreSQL behind libSQL's `Transaction`: statements on
 * a connection of its own, a COMMIT that throws when PostgreSQL rolled back,
 * and, when the connection breaks during COMMIT, the transaction's fate
 * asked of the primary (`commit_fate.ts`). See `libsql_client.ts`.
 */
import type { InStatement, ResultSet, Transaction } from "@libsql/client";
import type { ReservedSql, Sql } from "postgres";
import { COMMIT_UNKNOWN } from "../db_error_kind.ts";
import type { CommitFate } from "./commit_fate.ts";
import { isConnectionLoss } from "./primary_pool.ts";
import { run } from "./run_statement.ts";

/** What a transaction reports, and how it learns a broken COMMIT's fate. */
export interface TransactionHooks {
  onCommit(): void;
  onError(error: unknown): void;
  /** The transaction's id (write transactions), for `commitFate`. */
  xid?: string;
  fateOf(xid: string): Promise<CommitFate>;
  /**
   * A claim's transaction (the write lock shared): its events wake the other
   * hubs after the commit, through this (see migration 0008).
   */
  notifyAfterCommit?: () => void;
}

export class PostgresTransaction implements Transaction {
  readonly #sql: Sql;
  #conn: ReservedSql | null;
  readonly #hooks: TransactionHooks;
  constructor(sql: Sql, conn: ReservedSql, hooks: TransactionHooks) {
    this.#sql = sql;
    this.#conn = conn;
    this.#hooks = hooks;
  }
  get closed(): boolean {
    return this.#conn === null;
  }
  #open(): ReservedSql {
    if (!this.#conn) throw new Error("The transaction is closed");
    return this.#conn;
  }
  execute(stmt: InStatement): Promise<ResultSet> {
    return run(this.#sql, this.#open(), stmt).catch((error) => {
      this.#hooks.onError(error);
      throw error;
    });
  }
  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    const out: ResultSet[] = [];
    for (const s of stmts) out.push(await this.execute(s));
    return out;
  }
  async executeMultiple(sql: string): Promise<void> {
    await this.#open().unsafe(sql);
  }
  /**
   * Commits; throws when PostgreSQL rolled back instead. After a statement
   * fails, PostgreSQL aborts the whole transaction (SQLite only that
   * statement), and a COMMIT then rolls back without an error: what the
   * caller took for written would be lost, and acknowledged.
   */
  async commit(): Promise<void> {
    // Whether a claim added events, asked with the COMMIT (one round trip).
    const added = this.#hooks.notifyAfterCommit && this.#conn
      ? this.#conn.unsafe<{ added: string | null }[]>(
        "SELECT current_setting('drover.events_added', true) AS added",
      ).catch(() => null)
      : null;
    let tag: string | undefined;
    try {
      tag = await this.#end("COMMIT");
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      const fate = this.#hooks.xid ? await this.#hooks.fateOf(this.#hooks.xid) : "unknown";
      if (fate === "committed") return this.#hooks.onCommit();
      if (fate === "aborted") throw error; // not applied: may be tried again
      throw Object.assign(
        new Error(
          "The connection to PostgreSQL was lost during COMMIT: the transaction may or may not " +
            "have been applied",
          { cause: error },
        ),
        { code: COMMIT_UNKNOWN },
      );
    }
    if (tag === "ROLLBACK") {
      throw new Error(
        "PostgreSQL rolled the transaction back at COMMIT: a statement in it had failed",
      );
    }
    this.#hooks.onCommit();
    if ((await added)?.[0]?.added === "on") this.#hooks.notifyAfterCommit!();
  }
  async rollback(): Promise<void> {
    await this.#end("ROLLBACK");
  }
  close(): void {
    if (this.#conn) void this.#end("ROLLBACK").catch(() => {});
  }
  /** Ends the transaction with `what`; resolves to the command PostgreSQL says it ran. */
  async #end(what: string): Promise<string | undefined> {
    const conn = this.#conn;
    if (!conn) return undefined;
    this.#conn = null;
    try {
      return (await conn.unsafe(what)).command;
    } catch (error) {
      this.#hooks.onError(error);
      throw error;
    } finally {
      conn.release();
    }
  }
}
