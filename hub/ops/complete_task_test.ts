import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { reapExpired } from "./reap_expired.ts";
import { insertTask, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

Deno.test("completeTask() publishes once: a repeated key gets the first answer, a stale epoch is refused", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const done = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k1", workerId: "w", now: 1_100 })
  );
  assert.deepEqual(done, {
    outcome: "accepted",
    message: "published",
    repeat: false,
    readied: 0,
    freedResources: false,
    task: { family: "F", startedAt: 1_000, attempt: 1 },
  });
  const repeat = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k1", workerId: "w", now: 1_200 })
  );
  assert.equal(repeat.outcome, "accepted");
  assert.equal(repeat.repeat, true);
  const other = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k2", workerId: "w", now: 1_200 })
  );
  assert.equal(other.outcome, "stale");
  const [pubs] = await db.tx((tx) =>
    tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM publications`)
  );
  assert.equal(pubs!.n, 1);
});

Deno.test("completeTask() refuses an old epoch with the current one in the message", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  await db.tx((tx) => claimTasks(tx, claim("zombie")));
  await db.tx((tx) => reapExpired(tx, 2_000));
  const [fresh] = await db.tx((tx) => claimTasks(tx, claim("w", { now: 2_000 })));
  const stale = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: 1, key: "zk", workerId: "zombie", now: 2_100 })
  );
  assert.equal(stale.outcome, "stale");
  assert.equal(
    stale.message,
    `Cannot publish "t": epoch 1 is stale (current ${fresh!.epoch}, task is leased)`,
  );
});

Deno.test("completeTask() refuses a lease that expired even before the reaper ran", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const late = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k", workerId: "w", now: 1_501 })
  );
  assert.equal(late.outcome, "stale");
  assert.match(late.message, /lease expired 1 ms ago/);
});
