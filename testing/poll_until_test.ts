import assert from "node:assert/strict";
import { PollTimeoutError, pollUntil } from "./poll_until.ts";

Deno.test("pollUntil() resolves with the first value the probe returns", async () => {
  let calls = 0;
  const value = await pollUntil("the third call", () => ++calls === 3 ? "ready" : undefined, {
    everyMs: 1,
  });
  assert.equal(value, "ready");
  assert.equal(calls, 3);
});

Deno.test("pollUntil() gives up after timeoutMs, naming what it waited for and the last state", async () => {
  let last = 0;
  const error = await pollUntil(() => `a miracle; last ${last}`, () => {
    last++;
    return undefined;
  }, { timeoutMs: 30, everyMs: 5 }).catch((e) => e);
  assert.ok(error instanceof PollTimeoutError);
  assert.match(error.message, /^Timed out after 30 ms waiting for a miracle; last \d+$/);
  assert.ok(last >= 2, "it probed more than once");
});

Deno.test("pollUntil() ends with the probe's error, and with the signal's reason once aborted", async () => {
  await assert.rejects(
    pollUntil("nothing", () => Promise.reject(new RangeError("the worker exited"))),
    { name: "RangeError", message: "the worker exited" },
  );
  const abort = new AbortController();
  const waiting = pollUntil("nothing", () => undefined, { everyMs: 10_000, signal: abort.signal });
  abort.abort(new Error("interrupted"));
  await assert.rejects(waiting, { message: "interrupted" });
});
