import assert from "node:assert/strict";
import { cancelRunEffect, retryRunEffect, runDuration } from "./run_facts.ts";

Deno.test("retryRunEffect() says which tasks go back in the queue and what they unblock", () => {
  assert.equal(
    retryRunEffect({ counts: { failed: 3, cancelled: 1, blocked: 2, done: 9 } }),
    "Put the 3 failed and 1 cancelled tasks back in the queue with their attempts reset and " +
      "unblock the 2 tasks waiting on them. Tasks already done are not run again.",
  );
  assert.match(retryRunEffect({ counts: { failed: 1 } })!, /^Put the 1 failed task back/);
  assert.equal(retryRunEffect({ counts: { done: 4 } }), null);
});

Deno.test("cancelRunEffect() counts what is stopped and what leaves the queue; null once over", () => {
  assert.match(
    cancelRunEffect({ state: "running", counts: { leased: 2, ready: 1, waiting: 3 } })!,
    /^Cancel this run: stop the 2 tasks running now \(they publish nothing\) and take the 4 tasks still queued/,
  );
  assert.equal(cancelRunEffect({ state: "done", counts: {} }), null);
});

Deno.test("runDuration() runs to now while the run is unfinished", () => {
  assert.equal(runDuration({ createdAt: 1_000, finishedAt: 4_000 }, 9_000), 3_000);
  assert.equal(runDuration({ createdAt: 1_000, finishedAt: null }, 9_000), 8_000);
});
