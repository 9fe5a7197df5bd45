/**
 * A year-old hub's database, made in seconds: `count` finished tasks in
 * runs of 50 (a root wrapper and 49 leaves), spread over the 31 days before
 * `now` (the default run retention keeps 30: the oldest day is due for
 * pruning, as it would be on any day of a hub's life), with their edges,
 * attempts (one leaf in 20 retried once after an expired lease; one run in
 * 67 failed, its leaf after three attempts and its root blocked), publications,
 * the last 7 days' log lines (2 per leaf), the last day's events, and one
 * audit entry per run. Rows are generated inside SQLite (recursive CTEs), in
 * transactions of 100,000 tasks, on a database the hub has migrated.
 */
import { createClient } from "@libsql/client";
import { spawnHub } from "../testing/spawn_hub.ts";

/** Tasks per run: a root and 49 leaves. */
const GROUP = 50;
const DAY = 86_400_000;
const CHUNK = 100_000;

/** What was loaded. */
export interface HistoryLoaded {
  tasks: number;
  runs: number;
  seconds: number;
  /** The database file's size after loading (WAL checkpointed). */
  bytes: number;
  rows: Record<string, number>;
}

/**
 * Makes the database at `dbUrl` (a hub started and stopped migrates it),
 * then loads the history: the bench's hub then starts on a database a year
 * old, as a hub restarted in production would.
 */
export async function prepareHistory(dbUrl: string, count: number): Promise<HistoryLoaded> {
  await migrateDatabase(dbUrl);
  return await loadHistory(dbUrl, count, Date.now());
}

/** Makes the database at `dbUrl` with the hub's schema: a hub started and stopped. */
export async function migrateDatabase(dbUrl: string): Promise<void> {
  const hub = await spawnHub({ dbUrl });
  await hub.stop();
}

/** Loads the history into the database at `dbUrl` (`file:`, migrated). */
export async function loadHistory(
  dbUrl: string,
  count: number,
  now: number,
): Promise<HistoryLoaded> {
  const started = performance.now();
  const client = createClient({ url: dbUrl, timeout: 30_000 });
  const start = now - 31 * DAY;
  const step = Math.floor((31 * DAY - 3_600_000) / count);
  const total = Math.ceil(count / GROUP) * GROUP;
  try {
    for (let from = 0; from < total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK) - 1;
      const seq = `WITH RECURSIVE seq(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM seq
        WHERE n < ${to}),
        t AS (SELECT n, n / ${GROUP} AS g, n % ${GROUP} AS i,
          ${start} + (n / ${GROUP}) * ${GROUP} * ${step} AS base,
          (n / ${GROUP}) % 67 = 0 AS failed_run, n % 20 = 7 AS retried FROM seq)`;
      await client.batch([
        `${seq} INSERT INTO tasks (id, family, version, params, state, kind, has_run, attempt,
          lease_epoch, created_at, updated_at, ready_at, started_at, finished_at, last_error,
          blocked_by)
        SELECT 'H' || n, CASE WHEN i = 0 THEN 'HistoryRoot' ELSE 'HistoryLeaf' END, 1,
          CASE WHEN i = 0 THEN json_object('g', g) ELSE json_object('n', n) END,
          CASE WHEN i = 0 AND failed_run THEN 'blocked' WHEN i = 1 AND failed_run THEN 'failed'
            ELSE 'done' END,
          'run', i <> 0,
          CASE WHEN i = 0 THEN 0 WHEN i = 1 AND failed_run THEN 3 WHEN retried THEN 2 ELSE 1 END,
          CASE WHEN i = 0 THEN 0 WHEN i = 1 AND failed_run THEN 3 WHEN retried THEN 2 ELSE 1 END,
          base + i, base + 3000 + i, base + 10 + i, base + 500 + i,
          CASE WHEN i = 0 AND failed_run THEN NULL ELSE base + 3000 + i END,
          CASE WHEN i = 1 AND failed_run THEN '{"name":"Error","message":"upstream 503"}' END,
          CASE WHEN i = 0 AND failed_run THEN 'H' || (n + 1) END
        FROM t`,
        `${seq} INSERT INTO edges (task_id, dep_id) SELECT 'H' || (g * ${GROUP}), 'H' || n
          FROM t WHERE i <> 0`,
        `${seq} INSERT INTO runs (id, root_task_id, family, params, state, created_at,
          finished_at, submitted_by)
        SELECT 'hrun_' || g, 'H' || n, 'HistoryRoot', json_object('g', g),
          CASE WHEN failed_run THEN 'failed' ELSE 'done' END, base, base + 3000 + ${GROUP},
          'history' FROM t WHERE i = 0`,
        // Leaves: epoch 1 (expired when retried; failed in a failed run), then 2 and 3.
        `${seq} INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at,
          ended_at, outcome, error)
        SELECT 'H' || n, 'run', e.epoch, e.epoch, 'w' || (n % 4), base + 500 * e.epoch + i,
          base + 500 * e.epoch + 400 + i,
          CASE WHEN i = 1 AND failed_run THEN 'failed'
            WHEN retried AND e.epoch = 1 THEN 'expired' ELSE 'done' END,
          CASE WHEN i = 1 AND failed_run THEN '{"name":"Error","message":"upstream 503"}' END
        FROM t JOIN (SELECT 1 AS epoch UNION ALL SELECT 2 UNION ALL SELECT 3) e
          ON e.epoch <= CASE WHEN i = 1 AND failed_run THEN 3 WHEN retried THEN 2 ELSE 1 END
        WHERE i <> 0`,
        `${seq} INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
        SELECT 'hk_' || n, 'H' || n, CASE WHEN i = 0 THEN 0 WHEN retried THEN 2 ELSE 1 END,
          CASE WHEN i = 0 THEN NULL ELSE 'w' || (n % 4) END,
          CASE WHEN i = 0 THEN 'wrapper' ELSE 'run' END, base + 3000 + i
        FROM t WHERE NOT (failed_run AND i IN (0, 1))`,
        `${seq} INSERT INTO task_logs (task_id, attempt, epoch, worker_id, at, level, message,
          fields)
        SELECT 'H' || n, 1, 1, 'w' || (n % 4), base + 600 + i + k.k, 'info',
          CASE k.k WHEN 0 THEN 'reading input' ELSE 'wrote output' END,
          json_object('rows', n % 1000)
        FROM t JOIN (SELECT 0 AS k UNION ALL SELECT 1) k
        WHERE i <> 0 AND base > ${now - 7 * DAY}`,
        // Each run's members: its root and its leaves (counted by the triggers).
        `${seq} INSERT INTO run_tasks (run_id, task_id, before) SELECT 'hrun_' || g, 'H' || n, 0
          FROM t`,
        `${seq} INSERT INTO audit_log (at, token_id, actor, role, action, target, outcome,
          status, detail)
        SELECT base, 'tok_history', 'scheduler', 'operator', 'run.submit', 'hrun_' || g, 'ok',
          201, '{}' FROM t WHERE i = 0`,
      ], "write");
      Deno.stderr.writeSync(new TextEncoder().encode(`\rbench: history: ${to + 1} tasks`));
    }
    Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    // The triggers recorded every insert as an event; a hub keeps a day of them.
    await client.execute({ sql: "DELETE FROM events WHERE at < ?", args: [now - DAY] });
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    const rows: Record<string, number> = {};
    for (
      const table of [
        "tasks",
        "edges",
        "runs",
        "run_tasks",
        "attempts",
        "publications",
        "task_logs",
        "events",
        "audit_log",
      ]
    ) {
      rows[table] = Number((await client.execute(`SELECT count(*) FROM ${table}`)).rows[0]![0]);
    }
    const path = dbUrl.slice("file:".length);
    return {
      tasks: rows.tasks!,
      runs: rows.runs!,
      seconds: (performance.now() - started) / 1000,
      bytes: (await Deno.stat(path)).size,
      rows,
    };
  } finally {
    client.close();
  }
}
