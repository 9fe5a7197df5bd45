import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../db/check_invariants.ts";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { completeTasks } from "./complete_tasks.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

Deno.test("completeTasks() answers each completion as completeTask() would, in a few statements", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (const id of ["a", "b", "c", "d", "e"]) await insertTask(tx, { id });
  });
  const leases = await db.tx((tx) => claimTasks(tx, claim("w", { limit: 5 })));
  const epoch = new Map(leases.map((l) => [l.id, l.epoch]));
  // "e" was published before, under "ke".
  await db.tx((tx) =>
    completeTask(tx, { taskId: "e", epoch: epoch.get("e")!, key: "ke", workerId: "w", now: 1_050 })
  );
  const c = (taskId: string, key: string, extra = {}) => ({
    taskId,
    epoch: epoch.get(taskId)!,
    key,
    workerId: "w",
    now: 1_100,
    ...extra,
  });
  const outcomes = await db.tx((tx) =>
    completeTasks(tx, [
      c("a", "ka"),
      c("b", "kb", { now: 1_150 }),
      c("a", "ka"), // the same completion again, in the same batch
      c("c", "kc", { epoch: 99 }), // a stale epoch
      c("e", "ke"), // a redelivery of an earlier publication
      c("d", "ke"), // a key already used for another task
      c("b", "kb2"), // a second key for a task published just before
    ])
  );
  const answers = outcomes.map((o) =>
    o.ok ? `${o.result.outcome}${o.result.repeat ? " repeat" : ""}` : "error"
  );
  assert.deepEqual(answers, [
    "accepted",
    "accepted",
    "accepted repeat",
    "stale",
    "accepted repeat",
    "stale repeat",
    "stale",
  ]);
  const first = outcomes[0]!;
  assert.ok(first.ok);
  assert.deepEqual(first.result.task, { family: "F", startedAt: 1_000, attempt: 1 });
  for (const id of ["a", "b", "e"]) {
    assert.equal((await db.tx((tx) => taskRow(tx, id))).state, "done");
  }
  assert.equal((await db.tx((tx) => taskRow(tx, "b"))).finished_at, 1_150, "each at its own time");
  for (const id of ["c", "d"]) assert.equal((await db.tx((tx) => taskRow(tx, id))).state, "leased");
  const pubs = await db.tx((tx) =>
    tx.all<{ key: string; task_id: string }>(
      sql`SELECT key, task_id FROM publications ORDER BY key`,
    )
  );
  assert.deepEqual(pubs.map((p) => `${p.key}:${p.task_id}`), ["ka:a", "kb:b", "ke:e"]);
  const attempts = await db.tx((tx) =>
    tx.all<{ task_id: string; outcome: string | null; ended_at: number | null }>(
      sql`SELECT task_id, outcome, ended_at FROM attempts ORDER BY task_id`,
    )
  );
  assert.deepEqual(attempts.map((a) => `${a.task_id}:${a.outcome}:${a.ended_at}`), [
    "a:done:1100",
    "b:done:1150",
    "c:null:null",
    "d:null:null",
    "e:done:1050",
  ]);
  await db.tx(async (tx) => assert.deepEqual(await checkInvariants(tx), []));
});

Deno.test("completeTasks() readies a dependent once all it waits for are published together", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "x" });
    await insertTask(tx, { id: "y" });
    await insertTask(tx, { id: "top", state: "waiting" });
    await tx.run(sql`UPDATE tasks SET pending_deps = 2 WHERE id = 'top'`);
    await tx.run(sql`INSERT INTO edges (task_id, dep_id) VALUES ('top', 'x'), ('top', 'y')`);
  });
  const leases = await db.tx((tx) => claimTasks(tx, claim("w", { limit: 2 })));
  const outcomes = await db.tx((tx) =>
    completeTasks(
      tx,
      leases.map((l) => ({
        taskId: l.id,
        epoch: l.epoch,
        key: `k${l.id}`,
        workerId: "w",
        now: 1_100,
      })),
    )
  );
  assert.equal(outcomes.reduce((n, o) => n + (o.ok ? o.result.readied : 0), 0), 1);
  assert.equal((await db.tx((tx) => taskRow(tx, "top"))).state, "ready");
});
