import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../db/check_invariants.ts";
import { completeTask } from "./complete_task.ts";
import { markTaskDone } from "./mark_task_done.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";
import { failOne, insertEdges, leaseOne } from "./test_tasks.ts";

/** A task of its own family (so it can be leased alone), waiting unless told. */
function task(tx: Parameters<typeof insertTask>[0], id: string, state = "waiting") {
  return insertTask(tx, { id, family: id, state });
}

Deno.test("markTaskDone() on a failed task makes its dependents ready and writes a manual publication", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "p");
    await insertEdges(tx, "p", ["x"]);
    await task(tx, "q");
    await insertEdges(tx, "q", ["p"]);
  });
  await failOne(db, "x", 1_000);
  assert.equal((await db.tx((tx) => taskRow(tx, "q"))).state, "blocked");

  const r = await db.tx((tx) => markTaskDone(tx, "x", "fixed by hand", "tok_ops", 2_000));
  assert.deepEqual(r, {
    previous: "failed",
    revoked: null,
    propagation: { readied: 1, wrappersDone: [] },
    unblocked: ["p", "q"],
  });
  const x = await db.tx((tx) => taskRow(tx, "x"));
  assert.deepEqual(
    [x.state, x.status_message, x.last_error, x.finished_at, x.lease_epoch],
    ["done", "marked done: fixed by hand", null, 2_000, 1],
  );
  const p = await db.tx((tx) => taskRow(tx, "p"));
  assert.deepEqual([p.state, p.blocked_by, p.pending_deps], ["ready", null, 0]);
  const q = await db.tx((tx) => taskRow(tx, "q"));
  assert.deepEqual([q.state, q.pending_deps], ["waiting", 1]);
  const pubs = await db.tx((tx) =>
    tx.all<{ key: string; kind: string; worker_id: string | null; epoch: number }>(
      sql`SELECT key, kind, worker_id, epoch FROM publications`,
    )
  );
  assert.deepEqual(pubs, [{ key: "manual:x:1", kind: "manual", worker_id: null, epoch: 1 }]);
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("markTaskDone() on a leased task revokes the lease, bumps the epoch and fences out the old holder", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "p");
    await insertEdges(tx, "p", ["x"]);
  });
  const epoch = await leaseOne(db, "x", 1_000, "w1");
  const r = await db.tx((tx) => markTaskDone(tx, "x", "outputs exist", null, 1_500));
  assert.equal(r!.previous, "leased");
  assert.deepEqual(r!.revoked, { taskId: "x", epoch, workerId: "w1" });
  const x = await db.tx((tx) => taskRow(tx, "x"));
  assert.deepEqual([x.state, x.lease_epoch, x.lease_owner, x.lease_expires_at], [
    "done",
    epoch + 1,
    null,
    null,
  ]);
  const [attempt] = await db.tx((tx) =>
    tx.all<{ outcome: string; error: string; ended_at: number }>(
      sql`SELECT outcome, error, ended_at FROM attempts WHERE task_id = 'x'`,
    )
  );
  assert.equal(attempt!.outcome, "cancelled");
  assert.equal(attempt!.ended_at, 1_500);
  assert.deepEqual(JSON.parse(attempt!.error), {
    name: "MarkedDoneError",
    message: "outputs exist",
    retryable: false,
  });
  const late = await db.tx((tx) =>
    completeTask(tx, { taskId: "x", epoch, key: "late", workerId: "w1", now: 1_600 })
  );
  assert.equal(late.outcome, "stale");
  const [pub] = await db.tx((tx) =>
    tx.all<{ key: string }>(sql`SELECT key FROM publications WHERE task_id = 'x'`)
  );
  assert.equal(pub!.key, `manual:x:${epoch + 1}`);
  assert.equal((await db.tx((tx) => taskRow(tx, "p"))).state, "ready");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("markTaskDone() changes nothing on a done task and returns undefined for an unknown one", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => task(tx, "x", "ready"));
  await db.tx((tx) => markTaskDone(tx, "x", "first", null, 1_000));
  const again = await db.tx((tx) => markTaskDone(tx, "x", "second", null, 2_000));
  assert.deepEqual(again, {
    previous: "done",
    revoked: null,
    propagation: { readied: 0, wrappersDone: [] },
    unblocked: [],
  });
  assert.equal((await db.tx((tx) => taskRow(tx, "x"))).status_message, "marked done: first");
  assert.equal(await db.tx((tx) => markTaskDone(tx, "ghost", "x", null, 2_000)), undefined);
});

Deno.test("markTaskDone() on a blocked task unblocks what waits above it, unless another culprit remains", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "y", "ready");
    await task(tx, "z", "ready");
    await task(tx, "b");
    await insertEdges(tx, "b", ["x"]);
    await task(tx, "c");
    await insertEdges(tx, "c", ["b"]);
    await task(tx, "d");
    await insertEdges(tx, "d", ["b", "y"]);
    await task(tx, "e");
    await insertEdges(tx, "e", ["b", "z"]);
  });
  await failOne(db, "x", 1_000);
  await failOne(db, "y", 1_100);
  const r = await db.tx((tx) => markTaskDone(tx, "b", "made elsewhere", null, 2_000));
  assert.equal(r!.previous, "blocked");
  assert.deepEqual(r!.unblocked.sort(), ["c", "e"]);
  const rows = await Promise.all(["c", "d", "e"].map((id) => db.tx((tx) => taskRow(tx, id))));
  assert.deepEqual(rows.map((t) => [t.id, t.state, t.pending_deps, t.blocked_by]), [
    ["c", "ready", 0, null],
    ["d", "blocked", 1, "y"],
    ["e", "waiting", 1, null],
  ]);
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("markTaskDone() on a waiting task counts it done once for its waiting dependents", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "z", "ready");
    await task(tx, "s", "ready");
    await task(tx, "w");
    await insertEdges(tx, "w", ["z"]);
    await task(tx, "p");
    await insertEdges(tx, "p", ["w", "s"]);
  });
  const r = await db.tx((tx) => markTaskDone(tx, "w", "skip", null, 1_000));
  assert.deepEqual([r!.previous, r!.propagation.readied], ["waiting", 0]);
  const p = await db.tx((tx) => taskRow(tx, "p"));
  assert.deepEqual([p.state, p.pending_deps], ["waiting", 1]);
  assert.equal((await db.tx((tx) => taskRow(tx, "z"))).state, "ready");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});
