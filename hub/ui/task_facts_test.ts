import assert from "node:assert/strict";
import { cancelTaskEffect, markDoneEffect, retryTaskEffect } from "./task_facts.ts";

Deno.test("the task actions say what they will do, and are offered only where they apply", () => {
  const failed = { id: "A_1", state: "failed" as const, dependents: 2 };
  assert.equal(
    retryTaskEffect(failed),
    "Put A_1 back in the queue with its attempts reset, and unblock the 2 tasks waiting on it.",
  );
  assert.equal(cancelTaskEffect(failed), null);
  assert.match(markDoneEffect(failed)!, /^Record A_1 as done without running it/);
  const leased = { id: "B_1", state: "leased" as const, dependents: 1 };
  assert.equal(retryTaskEffect(leased), null);
  assert.equal(
    cancelTaskEffect(leased),
    "Cancel B_1. Its running attempt is told to stop and publishes nothing. " +
      "The 1 task waiting on it is blocked. You can retry it later.",
  );
  assert.match(markDoneEffect(leased)!, /fenced out, and the 1 task waiting on it may start\./);
  assert.equal(markDoneEffect({ id: "C", state: "done", dependents: 0 }), null);
});
