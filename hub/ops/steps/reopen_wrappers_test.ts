import { joinRunGraph } from "./run_members.ts";
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../../db/check_invariants.ts";
import type { Tx } from "../../db/client.ts";
import { insertTask, taskRow, testDatabase } from "../test_db.ts";
import { completeOne, insertEdges } from "../test_tasks.ts";
import { reopenDoneWrappers } from "./reopen_wrappers.ts";

function task(tx: Tx, id: string, state: string, hasRun = true) {
  return insertTask(tx, { id, family: id, state, hasRun });
}

Deno.test("reopenDoneWrappers() reopens done wrappers only; what waits on one waits again", async () => {
  await using db = await testDatabase();
  // w (a done wrapper) ← waiter (waiting on w and x) ; w ← ran (done) ; t: a done task with a run.
  await db.tx(async (tx) => {
    await task(tx, "w", "done", false);
    await tx.run(sql`INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
      VALUES ('wrapper:w', 'w', 0, NULL, 'wrapper', 0)`);
    await task(tx, "x", "ready");
    await task(tx, "waiter", "waiting");
    await insertEdges(tx, "waiter", ["w", "x"]);
    await task(tx, "t", "done");
    await tx.run(sql`INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
      VALUES ('k-t', 't', 0, NULL, 'run', 0)`);
    // The run that made w done (submitting it again would reopen it: that is the point).
    await tx.run(sql`INSERT INTO runs (id, root_task_id, family, params, state, created_at,
      finished_at) VALUES ('run_w', 'w', 'w', '{}', 'done', 0, 5)`);
    await joinRunGraph(tx, "run_w", "w");
  });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
  const reopened = await db.tx((tx) => reopenDoneWrappers(tx, ["w", "t", "x", "nope"], 10));
  assert.deepEqual(reopened, ["w"], "a task with a run stays done; others are not wrappers");
  const w = await db.tx((tx) => taskRow(tx, "w"));
  assert.deepEqual([w.state, w.kind, w.finished_at], ["ready", "expand", null]);
  assert.equal((await db.tx((tx) => taskRow(tx, "waiter"))).pending_deps, 2, "waits for w again");
  const [run] = await db.tx((tx) =>
    tx.all<{ state: string }>(sql`SELECT state FROM runs WHERE id = 'run_w'`)
  );
  assert.equal(run!.state, "running", "the run rooted at it is running again");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
  await completeOne(db, "x", 20);
  assert.equal((await db.tx((tx) => taskRow(tx, "waiter"))).pending_deps, 1);
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});
