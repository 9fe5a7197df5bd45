import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { TaskLogLine } from "../../shared/protocol.ts";
import type { Tx } from "../db/client.ts";
import { claimTasks } from "./claim_tasks.ts";
import { reapExpired } from "./reap_expired.ts";
import { capDropped, storeTaskLogs, type TaskLogBatch, WORKER_DROPPED } from "./store_task_logs.ts";
import { insertTask, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

const line = (msg: string, at = 5, fields?: Record<string, unknown>): TaskLogLine =>
  fields ? { at, level: "info", msg, fields } : { at, level: "info", msg };

const batch = (over: Partial<TaskLogBatch>): TaskLogBatch => ({
  taskId: "t",
  epoch: 1,
  workerId: "w",
  lines: [],
  dropped: 0,
  maxBytes: 1_000_000,
  now: 9,
  ...over,
});

async function stored(tx: Tx) {
  return await tx.all<Record<string, unknown>>(sql`SELECT task_id, attempt, epoch, worker_id,
    at, level, message, fields, dropped FROM task_logs ORDER BY id`);
}

async function attemptFigures(tx: Tx) {
  return await tx.all<{ log_lines: number; log_bytes: number }>(
    sql`SELECT log_lines, log_bytes FROM attempts ORDER BY id`,
  );
}

/** A database with task `t` leased to worker `w` (epoch 1, attempt 1). */
async function leased() {
  const db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  assert.deepEqual([lease!.epoch, lease!.attempt], [1, 1]);
  return db;
}

Deno.test("storeTaskLogs() stores a batch in order under the attempt's number, the worker's drops first", async () => {
  await using db = await leased();
  const result = await db.tx((tx) =>
    storeTaskLogs(
      tx,
      batch({ lines: [line("one", 5, { n: 1 }), line("two", 6)], dropped: 3 }),
    )
  );
  assert.deepEqual(result, { outcome: "stored", attempt: 1, stored: 2, capReached: false });
  const row = { task_id: "t", attempt: 1, epoch: 1, worker_id: "w" };
  assert.deepEqual(await db.tx(stored), [
    { ...row, at: 5, level: "warn", message: WORKER_DROPPED, fields: null, dropped: 3 },
    { ...row, at: 5, level: "info", message: "one", fields: '{"n":1}', dropped: 0 },
    { ...row, at: 6, level: "info", message: "two", fields: null, dropped: 0 },
  ]);
  assert.deepEqual(await db.tx(attemptFigures), [{ log_lines: 2, log_bytes: 3 + 7 + 3 }]);
});

Deno.test("storeTaskLogs() refuses lines for an attempt the worker does not hold", async () => {
  await using db = await leased();
  for (const over of [{ workerId: "intruder" }, { epoch: 2 }, { taskId: "other" }]) {
    const result = await db.tx((tx) => storeTaskLogs(tx, batch({ ...over, lines: [line("x")] })));
    assert.deepEqual(result, { outcome: "refused" }, JSON.stringify(over));
  }
  assert.deepEqual(await db.tx(stored), []);
});

Deno.test("storeTaskLogs() still stores the lines of an attempt whose lease was lost", async () => {
  await using db = await leased();
  const reaped = await db.tx((tx) => reapExpired(tx, 10_000));
  assert.equal(reaped.length, 1);
  const result = await db.tx((tx) => storeTaskLogs(tx, batch({ lines: [line("late")] })));
  assert.equal(result.outcome, "stored");
  assert.deepEqual((await db.tx(stored)).map((r) => r.message), ["late"]);
});

Deno.test("storeTaskLogs() stops at the attempt's cap and counts the rest in one marker", async () => {
  await using db = await leased();
  const maxBytes = 25;
  const ten = "0123456789";
  const first = await db.tx((tx) =>
    storeTaskLogs(tx, batch({ maxBytes, lines: [line(ten), line(ten), line(ten), line("x")] }))
  );
  assert.deepEqual(first, { outcome: "stored", attempt: 1, stored: 2, capReached: true });
  // Later batches, the worker's drops included, add to the same marker.
  const later = await db.tx((tx) =>
    storeTaskLogs(tx, batch({ maxBytes, lines: [line("y"), line("z")] }))
  );
  assert.deepEqual(later, { outcome: "stored", attempt: 1, stored: 0, capReached: false });
  await db.tx((tx) => storeTaskLogs(tx, batch({ maxBytes, lines: [], dropped: 5 })));
  const rows = await db.tx(stored);
  assert.deepEqual(rows.map((r) => [r.message, r.dropped]), [
    [ten, 0],
    [ten, 0],
    [capDropped(maxBytes), 2 + 2 + 5],
  ]);
  assert.match(String(rows[2]!.message), /over its limit of 25 bytes/);
  assert.deepEqual(await db.tx(attemptFigures), [{ log_lines: 2, log_bytes: 20 }]);
});

Deno.test("storeTaskLogs() stores a large batch in several inserts, in order", async () => {
  await using db = await leased();
  const lines = Array.from({ length: 1_000 }, (_, i) => line(`line ${i}`, i, { i }));
  const result = await db.tx((tx) => storeTaskLogs(tx, batch({ lines })));
  assert.equal(result.outcome === "stored" && result.stored, 1_000);
  const rows = await db.tx(stored);
  assert.deepEqual(rows.map((r) => r.message), lines.map((l) => l.msg));
  assert.deepEqual(await db.tx(attemptFigures), [{
    log_lines: 1_000,
    log_bytes: lines.reduce((n, l) => n + l.msg.length + JSON.stringify(l.fields).length, 0),
  }]);
});
