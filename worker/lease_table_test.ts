import assert from "node:assert/strict";
import { LeaseLostError, TaskCancelledError } from "../shared/errors.ts";
import { LeaseTable } from "./lease_table.ts";

const A = { taskId: "A_1_abcdef0123", epoch: 3 };
const B = { taskId: "B_1_abcdef0123", epoch: 5 };

Deno.test("LeaseTable.hold() holds a grant's members under one controller", () => {
  const table = new LeaseTable();
  const [a, b] = table.hold([A, B]);
  assert.equal(table.size, 2);
  assert.equal(a!.controller, b!.controller);
  assert.ok(table.holdsAny([{ taskId: B.taskId, epoch: 99 }]));
  assert.deepEqual(table.refs(), [A, B]);
  assert.equal(table.get(A.taskId, A.epoch), a);
  assert.equal(table.get(A.taskId, A.epoch + 1), undefined);
});

Deno.test("LeaseTable.drop() forgets the lease, marks it lost and aborts with the reason given", () => {
  for (
    const reason of [
      new LeaseLostError(A.taskId, "stale"),
      new TaskCancelledError(A.taskId, "by admin"),
    ]
  ) {
    const table = new LeaseTable();
    const [lease] = table.hold([A]);
    assert.equal(table.drop(A.taskId, A.epoch, reason), lease);
    assert.equal(lease!.lost, true);
    assert.equal(lease!.controller.signal.reason, reason);
    assert.equal(table.size, 0);
    assert.deepEqual(table.refs(), []);
  }
});

Deno.test("LeaseTable.drop() ignores a lease held at another epoch or not held at all", () => {
  const table = new LeaseTable();
  const [lease] = table.hold([A]);
  assert.equal(table.drop(A.taskId, A.epoch - 1, new LeaseLostError(A.taskId, "old")), undefined);
  assert.equal(table.drop(B.taskId, B.epoch, new LeaseLostError(B.taskId, "unknown")), undefined);
  assert.equal(lease!.lost, false);
  assert.equal(lease!.controller.signal.aborted, false);
  assert.equal(table.size, 1);
});

Deno.test("LeaseTable.drop() of a second batch member keeps the first member's abort reason", () => {
  const table = new LeaseTable();
  const [a, b] = table.hold([A, B]);
  const first = new LeaseLostError(A.taskId, "stale");
  table.drop(A.taskId, A.epoch, first);
  table.drop(B.taskId, B.epoch, new TaskCancelledError(B.taskId, "by admin"));
  assert.equal(a!.controller.signal.reason, first);
  assert.equal(b!.lost, true);
  assert.equal(table.size, 0);
});

Deno.test("LeaseTable.abandon() forgets an attempt's leases and returns the live ones to hand back", () => {
  const table = new LeaseTable();
  const leases = table.hold([A, B]);
  table.drop(A.taskId, A.epoch, new LeaseLostError(A.taskId, "stale"));
  const live = table.abandon(leases);
  assert.deepEqual(live.map((l) => l.taskId), [B.taskId]);
  assert.equal(table.size, 0);
});

Deno.test("LeaseTable.abandon() leaves alone a newer lease on the same task", () => {
  const table = new LeaseTable();
  const old = table.hold([A]);
  table.drop(A.taskId, A.epoch, new LeaseLostError(A.taskId, "stale"));
  const [newer] = table.hold([{ taskId: A.taskId, epoch: A.epoch + 1 }]);
  assert.deepEqual(table.abandon(old), []);
  assert.equal(table.get(A.taskId, A.epoch + 1), newer);
});

Deno.test("LeaseTable.settle() forgets only the lease at the acknowledged epoch", () => {
  const table = new LeaseTable();
  table.hold([A]);
  table.settle(A.taskId, A.epoch + 1);
  assert.equal(table.size, 1);
  table.settle(A.taskId, A.epoch);
  assert.equal(table.size, 0);
});
