import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../../../testing/postgres.ts";
import { openDatabase } from "../client.ts";
import { migratePostgres } from "./migrate.ts";

/** Changes that fire every trigger, in SQL both dialects read alike. */
const CHANGES = [
  `INSERT INTO tasks (id, family, version, params, state, kind, created_at, updated_at)
     VALUES ('t1', 'A', 1, '{}', 'waiting', 'run', 1000, 1000),
            ('t2', 'B', 1, '{}', 'ready', 'run', 1000, 1000)`,
  `INSERT INTO runs (id, root_task_id, family, params, state, created_at)
     VALUES ('r1', 't1', 'A', '{}', 'running', 1001)`,
  `INSERT INTO run_tasks (run_id, task_id, before) VALUES ('r1', 't1', 0), ('r1', 't2', 0)`,
  `UPDATE tasks SET state = 'leased', lease_owner = 'w1', lease_epoch = 1, attempt = 1,
     updated_at = 1002 WHERE id = 't2'`,
  `UPDATE tasks SET state = 'done', kind = 'run', updated_at = 1003 WHERE id = 't2'`,
  `INSERT INTO runs (id, root_task_id, family, params, state, created_at)
     VALUES ('r2', 't2', 'B', '{}', 'running', 1004)`,
  `INSERT INTO run_tasks (run_id, task_id, before) VALUES ('r2', 't2', 1)`,
  `UPDATE tasks SET state = 'ready', updated_at = 1005 WHERE id = 't2'`,
  `INSERT INTO workers (id, name, labels, version, slots, state, connected_at, last_seen_at)
     VALUES ('w1', 'edge', '{"region":"eu"}', '1', 4, 'connected', 1006, 1006)`,
  `UPDATE workers SET cordoned = 1 WHERE id = 'w1'`,
  `UPDATE workers SET state = 'disconnected', last_seen_at = 1007 WHERE id = 'w1'`,
  `UPDATE workers SET state = 'connected', connected_at = 1008 WHERE id = 'w1'`,
  `INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at)
     VALUES ('t2', 'run', 1, 1, 'w1', 1002)`,
  `UPDATE attempts SET outcome = 'expired', ended_at = 1009 WHERE task_id = 't2'`,
  `INSERT INTO families (name, version, params_schema, retry, has_run, schema_hash,
     first_worker_id, updated_at) VALUES ('A', 1, '{}', '{}', 1, 'h', 'w1', 1000)`,
  `UPDATE families SET disabled_until = 5000 WHERE name = 'A'`,
  `UPDATE runs SET state = 'done', finished_at = 1010 WHERE id = 'r1'`,
  // Several rows in one statement: the run counts are kept per statement in PostgreSQL.
  `INSERT INTO tasks (id, family, version, params, state, kind, created_at, updated_at)
     VALUES ('t3', 'B', 1, '{}', 'ready', 'run', 1011, 1011),
            ('t4', 'B', 1, '{}', 'waiting', 'run', 1011, 1011),
            ('t5', 'B', 1, '{}', 'done', 'run', 1011, 1011),
            ('t6', 'B', 1, '{}', 'done', 'run', 1011, 1011)`,
  `INSERT INTO run_tasks (run_id, task_id, before)
     VALUES ('r1', 't3', 0), ('r1', 't4', 0), ('r1', 't5', 1), ('r1', 't6', 0),
            ('r2', 't3', 0), ('r2', 't5', 1)`,
  `UPDATE tasks SET state = 'leased', updated_at = 1012 WHERE id IN ('t3', 't4')`,
  `UPDATE tasks SET state = 'ready', updated_at = 1013 WHERE id IN ('t5', 't6', 't3')`,
  `UPDATE tasks SET updated_at = 1014 WHERE id IN ('t1', 't2')`,
  `DELETE FROM run_tasks WHERE task_id IN ('t3', 't5') AND run_id = 'r1'`,
  `DELETE FROM run_tasks WHERE run_id = 'r2'`,
];

/** What the triggers wrote: events (time masked where it is the clock's) and run counts. */
interface Written {
  events: unknown[];
  counts: unknown[];
}

const CLOCK_KINDS = new Set(["worker.mode", "family.disabled"]);

function normalise(events: Record<string, unknown>[], counts: Record<string, unknown>[]): Written {
  return {
    events: events.map((e) => ({
      ...e,
      at: CLOCK_KINDS.has(String(e.kind)) ? "now" : Number(e.at),
      data: JSON.parse(String(e.data)),
    })),
    counts: counts.map((c) => ({ ...c, n: Number(c.n) })),
  };
}

/** Events in time order; one statement's rows may be updated in either engine's own order. */
function byTime(written: Written): Written {
  const key = (e: unknown) => JSON.stringify(e);
  const events = [...written.events].sort((a, b) => {
    const at = (e: unknown) => (e as { at: number | string }).at;
    return at(a) === at(b)
      ? key(a).localeCompare(key(b))
      : at(a) === "now"
      ? 1
      : at(b) === "now"
      ? -1
      : Number(at(a)) - Number(at(b));
  });
  return { ...written, events };
}

const READ_EVENTS = "SELECT kind, at, run_id, task_id, worker_id, data FROM events ORDER BY id";
const READ_COUNTS = "SELECT run_id, state, n FROM run_counts WHERE n <> 0 ORDER BY run_id, state";

Deno.test("the PostgreSQL triggers write the events and run counts the SQLite ones write", async () => {
  const sqlite = await openDatabase(":memory:", { busyTimeoutMs: 5_000 });
  let fromSqlite: Written;
  try {
    for (const change of CHANGES) await sqlite.client.execute(change);
    const events = (await sqlite.client.execute(READ_EVENTS)).rows;
    const counts = (await sqlite.client.execute(READ_COUNTS)).rows;
    fromSqlite = normalise(events.map((r) => ({ ...r })), counts.map((r) => ({ ...r })));
  } finally {
    sqlite.close();
  }

  await using server = await startPostgres({ name: "triggers" });
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await migratePostgres(sql);
    for (const change of CHANGES) await sql.unsafe(change);
    const events = await sql.unsafe(READ_EVENTS);
    const counts = await sql.unsafe(READ_COUNTS);
    const fromPostgres = normalise([...events], [...counts]);
    assert.ok(fromSqlite.events.length >= 14, `${fromSqlite.events.length} events`);
    assert.deepEqual(byTime(fromPostgres), byTime(fromSqlite));
  } finally {
    await sql.end();
  }
});
