import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../../db/check_invariants.ts";
import type { Tx } from "../../db/client.ts";
import { cancelTasks } from "../cancel_tasks.ts";
import { markTaskDone } from "../mark_task_done.ts";
import { retryTasks } from "../retry_tasks.ts";
import { insertTask, submitRoot, testDatabase } from "../test_db.ts";
import { completeOne, failOne, insertEdges } from "../test_tasks.ts";
import { runStateOf } from "./run_states.ts";

/** A task of its own family (so it can be leased alone), waiting unless told. */
function task(tx: Tx, id: string, state = "waiting") {
  return insertTask(tx, { id, family: id, state });
}

/** Each run's stored state and finish time. */
async function runs(db: Awaited<ReturnType<typeof testDatabase>>) {
  const rows = await db.tx((tx) =>
    tx.all<{ id: string; state: string; finished_at: number | null }>(
      sql`SELECT id, state, finished_at FROM runs ORDER BY id`,
    )
  );
  return Object.fromEntries(rows.map((r) => [r.id, [r.state, r.finished_at]]));
}

Deno.test("runStateOf(): done when the root is, else failed, else cancelled, else running", () => {
  assert.equal(runStateOf({ root: "done", failed: 2, cancelled: 1 }), "done");
  assert.equal(runStateOf({ root: "waiting", failed: 1, cancelled: 1 }), "failed");
  assert.equal(runStateOf({ root: "blocked", failed: 0, cancelled: 1 }), "cancelled");
  assert.equal(runStateOf({ root: "leased", failed: 0, cancelled: 0 }), "running");
  assert.equal(runStateOf({ root: undefined, failed: 0, cancelled: 0 }), "running");
});

Deno.test("a run's stored state follows its tasks through fail, retry, completion and cancel", async (t) => {
  await using db = await testDatabase();
  // Two runs share x: run_a is a → x; run_b is b → x, y.
  await db.tx(async (tx) => {
    for (const id of ["x", "y"]) await task(tx, id, "ready");
    await task(tx, "a");
    await insertEdges(tx, "a", ["x"]);
    await task(tx, "b");
    await insertEdges(tx, "b", ["x", "y"]);
    await submitRoot(tx, "a", "a", 10);
    await submitRoot(tx, "b", "b", 10);
  });
  assert.deepEqual(await runs(db), { run_a: ["running", null], run_b: ["running", null] });

  await t.step("a permanent failure fails every run above the task, at that time", async () => {
    await failOne(db, "x", 1_000);
    assert.deepEqual(await runs(db), { run_a: ["failed", 1_000], run_b: ["failed", 1_000] });
  });

  await t.step("a retry brings both back to running", async () => {
    await db.tx((tx) => retryTasks(tx, ["x"], 2_000));
    assert.deepEqual(await runs(db), { run_a: ["running", null], run_b: ["running", null] });
  });

  await t.step("completing the shared task finishes the root that needs only it", async () => {
    await completeOne(db, "x", 3_000);
    await completeOne(db, "a", 3_100);
    assert.deepEqual(await runs(db), { run_a: ["done", 3_100], run_b: ["running", null] });
  });

  await t.step("cancelling a task of run_b cancels run_b and leaves run_a done", async () => {
    await db.tx((tx) => cancelTasks(tx, ["y"], "test", 4_000));
    assert.deepEqual(await runs(db), { run_a: ["done", 3_100], run_b: ["cancelled", 4_000] });
  });

  await t.step("marking the cancelled task done lets run_b run again, then finish", async () => {
    await db.tx((tx) => markTaskDone(tx, "y", "made by hand", null, 5_000));
    assert.deepEqual(await runs(db), { run_a: ["done", 3_100], run_b: ["running", null] });
    await completeOne(db, "b", 5_100);
    assert.deepEqual(await runs(db), { run_a: ["done", 3_100], run_b: ["done", 5_100] });
  });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("a run submitted over a graph that already failed starts failed", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "r");
    await insertEdges(tx, "r", ["x"]);
  });
  await failOne(db, "x", 1_000);
  const result = await db.tx((tx) => submitRoot(tx, "r", "r", 2_000));
  assert.deepEqual([result.rootState, result.runState], ["blocked", "failed"]);
  assert.deepEqual(await runs(db), { run_r: ["failed", 2_000] });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});
