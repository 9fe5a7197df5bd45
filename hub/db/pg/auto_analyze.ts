/**
 * Keeps PostgreSQL's planner statistics up with the hub's bursts of writes.
 *
 * A run's expansion inserts thousands of tasks in a second, and claims then
 * move them from ready to leased to done. Autovacuum notices only once a
 * minute (`autovacuum_naptime`), and until it analyzes, the planner plans for
 * the table as it was: measured on a wide run of 10,000 tasks, claims hashed
 * every ready row instead of looking up 30 by key, and each expansion part
 * scanned whole tables (10 to 100 ms a statement instead of about 1).
 *
 * So, at once after this hub's first write in a second, then at most once a
 * second while it writes, the tables
 * changed by more than `minRows` plus `fraction` of their size since their
 * last analysis (PostgreSQL's own count, all hubs' writes included) are
 * analyzed: `ANALYZE (SKIP_LOCKED)`, so hubs doing it at once do not queue.
 * The formula is autovacuum's, with its defaults' scale; only the delay differs.
 */
import type { Sql } from "postgres";

/** When to analyze. */
export interface AutoAnalyzeOptions {
  /** How often, at most, to look: default 1,000 ms. */
  everyMs?: number;
  /** Changed rows that always count as few: default 200. */
  minRows?: number;
  /** The part of a table's rows that may change before it is analyzed: default 0.1. */
  fraction?: number;
  /** A failed look or analysis (the database away, for instance); default: ignored. */
  onError?: (error: unknown) => void;
}

/** The statistics keeper of one connection pool. */
export interface AutoAnalyze {
  /** This hub committed a write: look at the next tick. */
  noteWrite(): void;
  /** Looks now (tests), resolving to the tables analyzed. */
  check(): Promise<string[]>;
  /** Stops looking, after the look under way. */
  stop(): Promise<void>;
}

/** Tables whose changed rows since their last analysis pass the threshold. */
const STALE_TABLES = `SELECT s.relname AS name FROM pg_stat_user_tables s
  JOIN pg_class c ON c.oid = s.relid
  WHERE s.schemaname = current_schema()
    AND s.n_mod_since_analyze > $1::float8 + $2::float8 * greatest(c.reltuples, 0)`;

/** Starts keeping the database of `connect`'s pool analyzed; see the module's comment. */
export function startAutoAnalyze(
  connect: () => Promise<Sql>,
  options: AutoAnalyzeOptions = {},
): AutoAnalyze {
  const everyMs = options.everyMs ?? 1_000;
  const minRows = options.minRows ?? 200;
  const fraction = options.fraction ?? 0.1;
  let dirty = false;
  let stopped = false;
  let running: Promise<string[]> | undefined;
  let lastAt = -Infinity;
  const check = async (): Promise<string[]> => {
    const sql = await connect();
    const rows = await sql.unsafe<{ name: string }[]>(STALE_TABLES, [minRows, fraction]);
    const names = rows.map((r) => r.name).sort();
    if (names.length === 0) return [];
    const list = names.map((n) => `"${n.replaceAll('"', '""')}"`).join(", ");
    await sql.unsafe(`ANALYZE (SKIP_LOCKED) ${list}`);
    return names;
  };
  const tick = () => {
    if (!dirty || running || stopped) return;
    dirty = false;
    lastAt = performance.now();
    running = check().catch((error) => {
      options.onError?.(error);
      return [];
    }).finally(() => running = undefined);
  };
  const timer = setInterval(tick, everyMs);
  Deno.unrefTimer(timer);
  return {
    noteWrite() {
      dirty = true;
      // The first write after a quiet spell is looked at at once: a burst's
      // first second is when the statistics are most wrong.
      if (performance.now() - lastAt >= everyMs) tick();
    },
    check: () => running ?? check(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
