import assert from "node:assert/strict";
import { startAfter } from "./start_after.ts";

Deno.test("startAfter() starts after the newest event when asked for none", () => {
  assert.deepEqual(startAfter(null, { oldest: 5, last: 9 }), { cursor: 9, gap: null });
  assert.deepEqual(startAfter(null, { oldest: null, last: 0 }), { cursor: 0, gap: null });
});

Deno.test("startAfter() resumes after the id asked for while every event after it is kept", () => {
  assert.deepEqual(startAfter(4, { oldest: 5, last: 9 }), { cursor: 4, gap: null });
  assert.deepEqual(startAfter(9, { oldest: 5, last: 9 }), { cursor: 9, gap: null });
  assert.deepEqual(startAfter(0, { oldest: 1, last: 9 }), { cursor: 0, gap: null });
  assert.deepEqual(startAfter(0, { oldest: null, last: 0 }), { cursor: 0, gap: null });
});

Deno.test("startAfter() says which events were pruned, then goes on from the oldest kept", () => {
  const { cursor, gap } = startAfter(2, { oldest: 5, last: 9 });
  assert.equal(cursor, 2);
  assert.equal(gap?.reason, "pruned");
  assert.equal(gap?.resumedAfter, 4);
  assert.match(gap!.message, /^Events 3 to 4 were pruned .*DROVER_EVENT_RETENTION.*after 4$/);
  const all = startAfter(3, { oldest: null, last: 9 });
  assert.deepEqual([all.cursor, all.gap?.reason, all.gap?.resumedAfter], [3, "pruned", 9]);
});

Deno.test("startAfter() says an id newer than any event was never handed out here", () => {
  const { cursor, gap } = startAfter(50, { oldest: 5, last: 9 });
  assert.equal(cursor, 9);
  assert.deepEqual([gap?.reason, gap?.after, gap?.resumedAfter], ["ahead", 50, 9]);
});
