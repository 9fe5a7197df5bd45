import assert from "node:assert/strict";
import { headOf, resultRef } from "./read_frame.ts";

Deno.test("resultRef() names a result frame's task, epoch and key, and nothing else", () => {
  const ref = { taskId: "T_1", epoch: 2, key: "c_12345678" };
  assert.deepEqual(resultRef({ type: "task.complete", ...ref }), ref);
  assert.equal(resultRef({ type: "lease.renew", ...ref }), null, "not a result");
  assert.equal(resultRef({ type: "task.fail", ...ref, epoch: "2" }), null, "epoch not a number");
  assert.equal(resultRef({ type: "task.fail", ...ref, key: "short" }), null, "not a key");
  assert.equal(resultRef({ type: "task.fail", ...ref, epoch: 1e20 }), null, "not a safe integer");
  assert.equal(resultRef(null), null);
});

Deno.test("headOf() reads the fields a worker writes first, escapes included", () => {
  const frame = JSON.stringify({
    type: "expand.result",
    taskId: 'A_"quoted"_1',
    epoch: 12,
    key: "x_1234567890",
    nodes: [{ pad: "y".repeat(10_000) }],
  });
  assert.deepEqual(headOf(frame), {
    type: "expand.result",
    taskId: 'A_"quoted"_1',
    epoch: 12,
    key: "x_1234567890",
  });
  assert.deepEqual(headOf(`${" ".repeat(5_000)}{"type":"task.fail"}`), {}, "only the head is read");
});
