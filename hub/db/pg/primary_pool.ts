/**
 * The connection pool of the PostgreSQL primary, found among the hosts of a
 * multi-host URL (`postgres://u@db1:5432,db2:5432/drover`), and found again
 * when it is lost: after a failover the hub writes to the promoted standby.
 *
 * The primary is the first host, in the URL's order, that answers and is not
 * in recovery (`pg_is_in_recovery()`), what libpq's
 * `target_session_attrs=primary` (or `read-write`) picks. Every multi-host
 * URL is read that way: a hub always needs a server that takes writes. A
 * single-host URL gets one pool, which postgres.js reconnects by itself.
 *
 * postgres.js can do multi-host URLs, but measured here, after the primary's
 * crash its pool kept connections to the old address, hung queries on them,
 * or took a standby for read-write; so each pool here has one host only.
 */
import postgres, { type Options, type Sql } from "postgres";

/** How a multi-host URL splits. */
interface ParsedUrl {
  /** One URL per host, in order, without `target_session_attrs`. */
  hostUrls: string[];
  /** The hosts, for messages (`db1:5432`). */
  hosts: string[];
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)(?:([^@/?]*)@)?([^/?]*)(\/[^?]*)?(\?.*)?$/;

/** Splits `url` into one URL per host. */
export function splitHosts(url: string): ParsedUrl {
  const m = URL_PARTS.exec(url);
  if (!m) throw new TypeError("Not a postgres:// URL");
  const [, scheme, auth, hostList, path = "", query = ""] = m;
  const params = new URLSearchParams(query.slice(1));
  params.delete("target_session_attrs");
  const rest = params.size > 0 ? `?${params}` : "";
  const hosts = hostList!.split(",").filter((h) => h !== "");
  if (hosts.length === 0) hosts.push("localhost");
  return {
    hosts,
    hostUrls: hosts.map((h) =>
      `${scheme}${auth !== undefined ? `${auth}@` : ""}${h}${path}${rest}`
    ),
  };
}

/** Error codes after which the pool's server is no longer trusted to be the primary. */
const LOST = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "25006", // read_only_sql_transaction: a standby, or a demoted primary
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting, or in recovery)
]);

/** Whether `error` says the database connection (or the primary) was lost. */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (LOST.has(code) || code.startsWith("08"));
}

/** The primary's pool, found on demand. */
export interface PrimaryPool {
  /** The pool of the primary; finds it first when there is none. Rejects when no host is it. */
  current(): Promise<Sql>;
  /** Reports an error of `sql`'s: a lost connection makes the next `current()` look again. */
  noteError(sql: Sql, error: unknown): void;
  /** Calls `use` with the primary's pool now (if found) and with each one found after. */
  onPool(use: (sql: Sql) => void): () => void;
  /** Ends every pool. */
  end(options?: { timeout?: number }): Promise<void>;
}

/** Opens the primary's pool lazily; `options` go to every postgres.js pool. */
export function openPrimaryPool(url: string, options: Options<never>): PrimaryPool {
  const { hostUrls, hosts } = splitHosts(url);
  let pool: Sql | null = null;
  let finding: Promise<Sql> | null = null;
  let ended = false;
  const users = new Set<(sql: Sql) => void>();
  const retired = new Set<Sql>();
  const retire = (sql: Sql) => {
    retired.add(sql);
    void sql.end({ timeout: 1 }).catch(() => {}).finally(() => retired.delete(sql));
  };
  const find = async (): Promise<Sql> => {
    const reasons: string[] = [];
    for (const [i, hostUrl] of hostUrls.entries()) {
      const probe = postgres(hostUrl, { ...options, max: 1 } as Options<never>);
      try {
        const [row] = await probe.unsafe<{ standby: boolean }[]>(
          "SELECT pg_is_in_recovery() AS standby",
        );
        if (!row?.standby) return postgres(hostUrl, options);
        reasons.push(`${hosts[i]} is a standby`);
      } catch (error) {
        reasons.push(`${hosts[i]}: ${(error as Error).message}`);
      } finally {
        void probe.end({ timeout: 1 }).catch(() => {});
      }
    }
    throw Object.assign(
      new Error(`No primary among the database hosts (${reasons.join("; ")})`),
      { code: "NO_PRIMARY" },
    );
  };
  return {
    current() {
      if (ended) {
        const error = new Error("The database client is closed");
        return Promise.reject(Object.assign(error, { code: "CONNECTION_ENDED" }));
      }
      if (pool) return Promise.resolve(pool);
      finding ??= find().then((sql) => {
        pool = sql;
        for (const use of users) use(sql);
        return sql;
      }).finally(() => finding = null);
      return finding;
    },
    noteError(sql, error) {
      if (hostUrls.length < 2 || sql !== pool || !isConnectionLoss(error)) return;
      pool = null;
      retire(sql);
    },
    onPool(use) {
      users.add(use);
      if (pool) use(pool);
      return () => users.delete(use);
    },
    async end(endOptions) {
      ended = true;
      users.clear();
      const all = [pool, ...retired].filter((s): s is Sql => s !== null);
      pool = null;
      await finding?.then((sql) => all.push(sql), () => {});
      await Promise.all(all.map((s) => s.end(endOptions).catch(() => {})));
    },
  };
}
