import assert from "node:assert/strict";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { failTask } from "./fail_task.ts";
import { releaseLease } from "./release_lease.ts";
import { renewLeases } from "./renew_leases.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

Deno.test("renewLeases() extends current leases and refuses stale ones with the reason", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "a" });
    await insertTask(tx, { id: "b" });
  });
  await db.tx((tx) => claimTasks(tx, claim("w")));
  const refused = await db.tx((tx) =>
    renewLeases(
      tx,
      "w",
      [{ taskId: "a", epoch: 1 }, { taskId: "b", epoch: 7 }, { taskId: "zz", epoch: 1 }],
      1_200,
      500,
    )
  );
  assert.deepEqual(refused, [
    { taskId: "b", epoch: 7, reason: "epoch 7 is stale (current 1, task is leased)" },
    { taskId: "zz", epoch: 1, reason: 'task "zz" is unknown' },
  ]);
  assert.equal((await db.tx((tx) => taskRow(tx, "a"))).lease_expires_at, 1_700);
});

Deno.test("only a lease's holder can renew, complete, fail or release it: the epoch alone is not enough", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("owner")));
  const epoch = lease!.epoch;
  const refused = await db.tx((tx) =>
    renewLeases(tx, "intruder", [{ taskId: "t", epoch }], 1_100, 500)
  );
  assert.deepEqual(refused, [{
    taskId: "t",
    epoch,
    reason: "the lease is held by another worker",
  }]);
  const done = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch, key: "k-x", workerId: "intruder", now: 1_100 })
  );
  assert.equal(done.outcome, "stale");
  assert.match(done.message, /held by another worker/);
  const failed = await db.tx((tx) =>
    failTask(tx, {
      taskId: "t",
      epoch,
      workerId: "intruder",
      error: { name: "Error", message: "x", retryable: false },
      now: 1_100,
      random: Math.random,
    })
  );
  assert.equal(failed.outcome, "stale");
  assert.equal(await db.tx((tx) => releaseLease(tx, "t", epoch, "no", 1_100, "intruder")), false);
  const row = await db.tx((tx) => taskRow(tx, "t"));
  assert.deepEqual([row.state, row.lease_owner, row.lease_expires_at], ["leased", "owner", 1_500]);
  const ok = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch, key: "k-o", workerId: "owner", now: 1_200 })
  );
  assert.equal(ok.outcome, "accepted");
});
