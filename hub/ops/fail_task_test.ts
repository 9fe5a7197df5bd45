import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { claimTasks } from "./claim_tasks.ts";
import { failTask } from "./fail_task.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

Deno.test("failTask() retries with exponential backoff and jitter, then fails after max attempts", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", maxAttempts: 3 }));
  const error = { name: "Error", message: "boom", retryable: true, stack: "Error: boom\n    at x" };
  const delays: number[] = [];
  let now = 1_000;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [lease] = await db.tx((tx) => claimTasks(tx, claim("w", { now })));
    assert.equal(lease!.attempt, attempt);
    const r = await db.tx((tx) =>
      failTask(tx, { taskId: "t", epoch: lease!.epoch, workerId: "w", error, now, random: () => 0 })
    );
    if (attempt < 3) {
      assert.equal(r.state, "ready");
      delays.push(r.retryAt! - now);
      now = r.retryAt!;
    } else {
      assert.equal(r.state, "failed");
    }
  }
  assert.deepEqual(delays, [1_000, 2_000], "base 1000 ms doubling, no jitter when random() = 0");
  const row = await db.tx((tx) => taskRow(tx, "t"));
  assert.equal(row.state, "failed");
  assert.deepEqual(
    JSON.parse(String(row.last_error)),
    { name: "Error", message: "boom", retryable: true },
    "the task's last error (in every list) leaves the stack out",
  );
  const attempts = await db.tx((tx) =>
    tx.all<{ error: string }>(sql`SELECT error FROM attempts WHERE task_id = 't' ORDER BY epoch`)
  );
  assert.deepEqual(
    attempts.map((a) => JSON.parse(a.error)),
    [error, error, error],
    "each attempt keeps it",
  );
});

Deno.test("failTask() jitter takes at most half of the delay, and the cap holds", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", maxAttempts: 10 }));
  const error = { name: "Error", message: "x", retryable: true };
  const seen: number[] = [];
  let now = 0;
  for (let i = 0; i < 6; i++) {
    const [lease] = await db.tx((tx) => claimTasks(tx, claim("w", { now })));
    const r = await db.tx((tx) =>
      failTask(tx, {
        taskId: "t",
        epoch: lease!.epoch,
        workerId: "w",
        error,
        now,
        random: () => 0.999,
      })
    );
    seen.push(r.retryAt! - now);
    now = r.retryAt!;
  }
  // base 1000, cap 8000 (see insertTask); random() = 0.999 takes 49.95 % away
  // (rounded down): the delay never drops below half and never passes the cap.
  assert.deepEqual(seen, [500, 1000, 2001, 4003, 4003, 4003]);
});

Deno.test("failTask() with a permanent error fails at once, whatever attempts remain", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", maxAttempts: 5 }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const r = await db.tx((tx) =>
    failTask(tx, {
      workerId: "w",
      taskId: "t",
      epoch: lease!.epoch,
      error: { name: "PermanentError", message: "bad row", retryable: false },
      now: 1_100,
      random: Math.random,
    })
  );
  assert.equal(r.state, "failed");
});
