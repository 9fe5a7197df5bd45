/**
 * The invariant checker: facts that must hold in the database whatever
 * happened to workers, links and hubs. Used by tests and the chaos suite.
 */
import { sql } from "drizzle-orm";
import type { RunState, TaskState } from "../../shared/states.ts";
import { runStateOf } from "../ops/steps/run_states.ts";
import { type Db, openDatabase, type Tx } from "./client.ts";

/** One broken invariant, with a few example task ids. */
export interface Violation {
  invariant: string;
  count: number;
  examples: string[];
}

const CHECKS: Array<{ invariant: string; query: ReturnType<typeof sql> }> = [
  {
    invariant: "every done task has exactly one publication",
    query: sql`SELECT t.id FROM tasks t LEFT JOIN publications p ON p.task_id = t.id
      WHERE t.state = 'done' GROUP BY t.id HAVING count(p.key) != 1`,
  },
  {
    invariant: "only done tasks have publications",
    query: sql`SELECT p.task_id AS id FROM publications p JOIN tasks t ON t.id = p.task_id
      WHERE t.state != 'done'`,
  },
  {
    invariant: "a task has lease fields only while leased",
    query: sql`SELECT id FROM tasks WHERE state != 'leased'
      AND (lease_owner IS NOT NULL OR lease_expires_at IS NOT NULL)`,
  },
  {
    invariant: "a leased task has an owner and an expiry",
    query: sql`SELECT id FROM tasks WHERE state = 'leased'
      AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_epoch < 1)`,
  },
  {
    invariant: "a task ready to run, running or done has every dependency done",
    query: sql`SELECT DISTINCT t.id FROM tasks t JOIN edges e ON e.task_id = t.id
      JOIN tasks d ON d.id = e.dep_id
      WHERE (t.kind = 'run' AND t.state IN ('ready', 'leased') AND d.state != 'done'
        OR t.state = 'done' AND d.state != 'done'
           AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.task_id = t.id
             AND p.kind IN ('found', 'manual')))
        -- A wrapper reopened to be expanded again does not undo what already
        -- started after it was done.
        AND NOT (t.state IN ('leased', 'done') AND d.has_run = 0
          AND d.external_deadline_at IS NULL)`,
  },
  {
    invariant: "a waiting task's pending count matches its dependencies not done",
    query: sql`SELECT t.id FROM tasks t WHERE t.state = 'waiting' AND t.pending_deps != (
      SELECT count(*) FROM edges e LEFT JOIN tasks d ON d.id = e.dep_id
      WHERE e.task_id = t.id AND (d.state IS NULL OR d.state != 'done'))`,
  },
  {
    invariant: "attempts never exceed the epochs granted",
    query: sql`SELECT id FROM tasks WHERE attempt > lease_epoch`,
  },
  {
    invariant: "every attempt row belongs to a grant no newer than the task's epoch",
    query: sql`SELECT a.task_id AS id FROM attempts a JOIN tasks t ON t.id = a.task_id
      WHERE a.epoch > t.lease_epoch`,
  },
  {
    invariant: "a task is published at its last granted epoch",
    query: sql`SELECT p.task_id AS id FROM publications p JOIN tasks t ON t.id = p.task_id
      WHERE p.epoch != t.lease_epoch`,
  },
  {
    invariant: "an attempt is open only while its lease is current",
    query: sql`SELECT a.task_id AS id FROM attempts a JOIN tasks t ON t.id = a.task_id
      WHERE a.ended_at IS NULL AND (t.state != 'leased' OR a.epoch != t.lease_epoch)`,
  },
  {
    invariant: "a run's members are its root and what its edges reach",
    query: sql`WITH RECURSIVE m(run_id, task_id) AS (
        SELECT id, root_task_id FROM runs
        UNION SELECT m.run_id, e.dep_id FROM m JOIN edges e ON e.task_id = m.task_id),
      walked AS (SELECT m.run_id, m.task_id FROM m JOIN tasks t ON t.id = m.task_id)
      SELECT DISTINCT run_id AS id FROM (
        SELECT * FROM (SELECT run_id, task_id FROM walked
          EXCEPT SELECT run_id, task_id FROM run_tasks) AS missing
        UNION ALL
        SELECT * FROM (SELECT run_id, task_id FROM run_tasks
          EXCEPT SELECT run_id, task_id FROM walked) AS extra) AS differ`,
  },
  {
    invariant: "a run's counts are its members counted by state",
    query: sql`WITH recount(run_id, state, n) AS (
        SELECT rt.run_id, t.state, count(*) FROM run_tasks rt JOIN tasks t ON t.id = rt.task_id
        GROUP BY rt.run_id, t.state
        UNION ALL
        SELECT run_id, 'already_done', count(*) FROM run_tasks WHERE before = 1 GROUP BY run_id)
      SELECT DISTINCT run_id AS id FROM (
        SELECT * FROM (SELECT run_id, state, n FROM run_counts WHERE n != 0 EXCEPT
          SELECT run_id, state, n FROM recount) AS stale
        UNION ALL
        SELECT * FROM (SELECT run_id, state, n FROM recount EXCEPT
          SELECT run_id, state, n FROM run_counts WHERE n != 0) AS missed) AS differ`,
  },
  {
    invariant: "a member counted as already done is done",
    query: sql`SELECT rt.task_id AS id FROM run_tasks rt JOIN tasks t ON t.id = rt.task_id
      WHERE rt.before = 1 AND t.state != 'done'`,
  },
  {
    invariant: "at most one open attempt per task",
    query: sql`SELECT task_id AS id FROM attempts WHERE ended_at IS NULL
      GROUP BY task_id HAVING count(*) > 1`,
  },
];

/** Runs every check; an empty list means the database is consistent. */
export async function checkInvariants(db: Db | Tx): Promise<Violation[]> {
  const violations: Violation[] = [];
  const report = (invariant: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    violations.push({ invariant, count: ids.length, examples: ids.slice(0, 5) });
  };
  for (const check of CHECKS) {
    report(check.invariant, (await db.all<{ id: string }>(check.query)).map((r) => r.id));
  }
  report("a run's stored state is what the run-state rule gives its tasks", await staleRuns(db));
  return violations;
}

/** Runs whose stored state is not what {@link runStateOf} gives their tasks now. */
async function staleRuns(db: Db | Tx): Promise<string[]> {
  const rows = await db.all<
    { id: string; state: RunState; root: TaskState | null; failed: number; cancelled: number }
  >(sql`
    WITH RECURSIVE sub(run_id, id) AS (
      SELECT id, root_task_id FROM runs
      UNION SELECT sub.run_id, e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)
    SELECT r.id, r.state, (SELECT state FROM tasks WHERE id = r.root_task_id) AS root,
      coalesce(sum(CASE WHEN t.state = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
      coalesce(sum(CASE WHEN t.state = 'cancelled' THEN 1 ELSE 0 END), 0) AS cancelled
    FROM runs r LEFT JOIN sub ON sub.run_id = r.id LEFT JOIN tasks t ON t.id = sub.id
    GROUP BY r.id`);
  return rows.filter((r) =>
    r.state !== runStateOf({ root: r.root ?? undefined, failed: r.failed, cancelled: r.cancelled })
  ).map((r) => r.id);
}

/**
 * Opens the database at `dbUrl`, runs every check, and closes it: for tests
 * and the chaos suite, which look at a hub's database from outside.
 */
export async function checkInvariantsAt(
  dbUrl: string,
  busyTimeoutMs = 5_000,
): Promise<Violation[]> {
  const database = await openDatabase(dbUrl, { busyTimeoutMs });
  try {
    return await checkInvariants(database.db);
  } finally {
    database.close();
  }
}
