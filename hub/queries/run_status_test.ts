import assert from "node:assert/strict";
import { applyExpansion } from "../ops/apply_expansion.ts";
import { claimTasks } from "../ops/claim_tasks.ts";
import { failTask } from "../ops/fail_task.ts";
import { runStatus } from "./run_status.ts";
import { submitRoot, testDatabase } from "../ops/test_db.ts";
import { claim, families, node } from "../ops/test_ops.ts";

Deno.test("runStatus() is failed when any task failed, naming it, its error, and what it blocks", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => submitRoot(tx, "r"));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "r",
      epoch: lease!.epoch,
      workerId: "w",
      now: 1_000,
      families,
      nodes: [node("r", ["x"]), node("x")],
    })
  );
  const [x] = await db.tx((tx) => claimTasks(tx, claim("w")));
  await db.tx((tx) =>
    failTask(tx, {
      workerId: "w",
      taskId: "x",
      epoch: x!.epoch,
      error: { name: "PermanentError", message: "no", retryable: false },
      now: 1_100,
      random: Math.random,
    })
  );
  const status = await db.tx((tx) => runStatus(tx, "run_r"));
  assert.equal(status!.state, "failed");
  assert.deepEqual(status!.failed, [{
    taskId: "x",
    error: { name: "PermanentError", message: "no", retryable: false },
  }]);
  assert.deepEqual(status!.counts, { failed: 1, blocked: 1 });
  assert.deepEqual(status!.blocked, [{ taskId: "r", blockedBy: "x" }]);
});
