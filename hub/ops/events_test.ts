/** The events the migration's triggers write, and their retention. */
import assert from "node:assert/strict";
import { testPostgresServer } from "../db/test_database.ts";
import { sql } from "drizzle-orm";
import { EVENT_KINDS, eventDataSchemas, type EventKind } from "../../shared/api_schemas_events.ts";
import type { Tx } from "../db/client.ts";
import { cancelTasks } from "./cancel_tasks.ts";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { markWorkerDisconnected } from "./mark_worker_disconnected.ts";
import { pruneHistory } from "./prune_history.ts";
import { reapExpired } from "./reap_expired.ts";
import { setWorkerMode } from "./set_worker_mode.ts";
import { insertTask, submitRoot, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

interface EventRow {
  id: number;
  at: number;
  kind: string;
  run_id: string | null;
  task_id: string | null;
  worker_id: string | null;
  data: string;
}

const eventsOf = (tx: Tx) => tx.all<EventRow>(sql`SELECT * FROM events ORDER BY id`);

Deno.test("a task's life is recorded as events in the transaction of each change", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => submitRoot(tx, "t", "F", 10));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w1", { now: 20 })));
  assert.equal(lease?.kind, "expand");
  const events = await db.tx(eventsOf);
  assert.deepEqual(
    events.map((e) => [e.kind, e.run_id, e.task_id, e.worker_id]),
    [
      ["task.created", null, "t", null],
      ["run.created", "run_t", "t", null],
      ["task.state", null, "t", "w1"],
    ],
  );
  assert.deepEqual(JSON.parse(events[2]!.data), {
    family: "F",
    from: "ready",
    to: "leased",
    kind: "expand",
    attempt: 0,
    epoch: lease!.epoch,
  });
  assert.ok(events.every((e, i) => i === 0 || e.id > events[i - 1]!.id), "ids increase");
  assert.equal(events[2]!.at, 20, "the hub's clock of the change");
});

Deno.test("an expired lease and a completion are events, in the order of the changes", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "x", maxAttempts: 3 }));
  await db.tx((tx) => claimTasks(tx, claim("dead", { now: 0, ttlMs: 100 })));
  await db.tx((tx) => reapExpired(tx, 200));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w2", { now: 300 })));
  await db.tx((tx) =>
    completeTask(tx, {
      taskId: "x",
      epoch: lease!.epoch,
      key: "key-0001",
      workerId: "w2",
      now: 400,
    })
  );
  const kinds = (await db.tx(eventsOf)).map((e) => {
    const d = JSON.parse(e.data);
    return `${e.kind}:${d.from ?? ""}>${d.to ?? ""}:${e.worker_id ?? ""}`;
  });
  assert.deepEqual(kinds, [
    "task.created:>ready:",
    "task.state:ready>leased:dead",
    "task.state:leased>ready:dead",
    "lease.expired:>:dead",
    "task.state:ready>leased:w2",
    "task.state:leased>done:w2",
  ]);
});

Deno.test("workers connecting and leaving are events", async () => {
  await using db = await testDatabase();
  const connect = (at: number) =>
    db.tx((tx) =>
      tx.run(sql`INSERT INTO workers (id, name, labels, version, slots, hub_id, state,
        connected_at, last_seen_at) VALUES ('w', 'edge-1', '{"region":"eu"}', '1', 4, 'h1',
        'connected', ${at}, ${at})
        ON CONFLICT (id) DO UPDATE SET state = 'connected', connected_at = excluded.connected_at`)
    );
  await connect(1);
  await db.tx((tx) => markWorkerDisconnected(tx, "w", "h1", 2));
  await connect(3);
  await connect(4); // a new connection replacing a live one
  const events = await db.tx(eventsOf);
  assert.deepEqual(events.map((e) => [e.kind, e.at]), [
    ["worker.connected", 1],
    ["worker.disconnected", 2],
    ["worker.connected", 3],
    ["worker.connected", 4],
  ]);
  assert.deepEqual(JSON.parse(events[0]!.data), {
    name: "edge-1",
    labels: { region: "eu" },
    hub: "h1",
  });
});

Deno.test("pruneHistory() deletes old events and log lines in batches, oldest first", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (let i = 0; i < 1_500; i++) await insertTask(tx, { id: `t${i}`, createdAt: i });
    await tx.run(sql`INSERT INTO task_logs (task_id, attempt, epoch, worker_id, at, level, message)
      VALUES ('t0', 1, 1, 'w', 5, 'info', 'old'), ('t0', 1, 1, 'w', 5000, 'info', 'new')`);
  });
  const cutoffs = { eventsBefore: 1_200, logsBefore: 100 };
  assert.deepEqual(await db.tx((tx) => pruneHistory(tx, cutoffs)), { events: 1_000, taskLogs: 1 });
  assert.deepEqual(await db.tx((tx) => pruneHistory(tx, cutoffs)), { events: 200, taskLogs: 0 });
  assert.deepEqual(await db.tx((tx) => pruneHistory(tx, cutoffs)), { events: 0, taskLogs: 0 });
  const [left] = await db.tx((tx) =>
    tx.all<{ n: number; first: number }>(sql`SELECT count(*) AS n, min(at) AS first FROM events`)
  );
  assert.deepEqual({ ...left }, { n: 300, first: 1_200 });
});

Deno.test("pruneHistory() deletes events as a prefix of ids: never past one still young", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (const [id, at] of [["a", 10], ["b", 20], ["c", 500], ["d", 30], ["e", 40]] as const) {
      await insertTask(tx, { id, createdAt: at });
    }
  });
  assert.deepEqual(await db.tx((tx) => pruneHistory(tx, { eventsBefore: 100, logsBefore: 0 })), {
    events: 2,
    taskLogs: 0,
  });
  const left = await db.tx(eventsOf);
  assert.deepEqual(left.map((e) => e.task_id), ["c", "d", "e"], "d and e wait for c");
  assert.equal(left[0]!.id, 3, "the oldest kept id follows the last pruned one");
});

Deno.test("event ids follow commit order; on SQLite an operation rolled back in a group commit gives its ids back", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "a" }));
  const results = await Promise.allSettled([
    db.tx((tx) => insertTask(tx, { id: "b" })),
    db.tx(async (tx) => {
      await insertTask(tx, { id: "x" });
      throw new Error("rolled back");
    }),
    db.tx((tx) => insertTask(tx, { id: "c" })),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  await db.tx((tx) => insertTask(tx, { id: "d" }));
  const events = await db.tx(eventsOf);
  assert.deepEqual(events.map((e) => e.task_id), ["a", "b", "c", "d"]);
  const ids = events.map((e) => Number(e.id));
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), "ids in commit order");
  // A PostgreSQL sequence never gives a number back: there, "x" leaves a hole.
  if (!testPostgresServer()) assert.deepEqual(ids, [1, 2, 3, 4]);
});

Deno.test("every kind of event the triggers write has the fields shared/api_schemas_events.ts says", async () => {
  await using db = await testDatabase();
  await db.tx((tx) =>
    tx.run(sql`INSERT INTO workers (id, name, labels, version, slots, hub_id, state,
      connected_at, last_seen_at) VALUES ('w', 'edge-1', '{}', '1', 4, 'h1', 'connected', 1, 1)`)
  );
  await db.tx((tx) => setWorkerMode(tx, "w", "drain"));
  await db.tx((tx) => markWorkerDisconnected(tx, "w", "h1", 2));
  await db.tx((tx) => submitRoot(tx, "t", "F", 10));
  await db.tx((tx) => claimTasks(tx, claim("dead", { now: 20, ttlMs: 100 })));
  await db.tx((tx) => reapExpired(tx, 200));
  await db.tx((tx) => cancelTasks(tx, ["t"], "test", 300));
  await db.tx((tx) =>
    tx.run(sql`INSERT INTO families (name, version, params_schema, retry, has_run, schema_hash,
      first_worker_id, updated_at, disabled_until) VALUES ('F', 1, '{}', '{}', 1, 'h', 'w', 0, NULL)`)
  );
  await db.tx((tx) => tx.run(sql`UPDATE families SET disabled_until = 5000 WHERE name = 'F'`));
  const events = await db.tx(eventsOf);
  const seen = new Set(events.map((e) => e.kind));
  assert.deepEqual(EVENT_KINDS.filter((k) => !seen.has(k)), [], "every kind is written");
  for (const e of events) {
    const schema = eventDataSchemas[e.kind as EventKind];
    assert.ok(schema, `${e.kind} is a known kind`);
    const parsed = schema.safeParse(JSON.parse(e.data));
    assert.ok(parsed.success, `${e.kind} ${e.data}: ${parsed.error?.message}`);
  }
});
