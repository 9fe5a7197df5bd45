import assert from "node:assert/strict";
import { REST_AFTER_MS, startStretch, yieldNow } from "./yield_now.ts";

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* the synchronous statements of a long transaction */ }
}

Deno.test("yieldNow after a short stretch is one turn: a later timer has not fired", async () => {
  let fired = false;
  const timer = setTimeout(() => fired = true, 50);
  startStretch();
  await yieldNow();
  assert.equal(fired, false);
  clearTimeout(timer);
});

Deno.test("yieldNow after a long stretch rests: timers due meanwhile run before it resolves", async () => {
  startStretch();
  busy(REST_AFTER_MS + 5);
  let fired = false;
  setTimeout(() => fired = true, 1);
  await yieldNow();
  assert.equal(fired, true);
  // The rest began a new stretch: the next yield is a single turn again.
  let later = false;
  const timer = setTimeout(() => later = true, 50);
  await yieldNow();
  assert.equal(later, false);
  clearTimeout(timer);
});
