import assert from "node:assert/strict";
import { backoffDelay, retry } from "./backoff.ts";

const fixed = (value: number) => () => value;

Deno.test("backoffDelay() grows by the factor from baseMs on the first failure", () => {
  const policy = { baseMs: 100, maxMs: 1_000_000, jitter: 0 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy)),
    [100, 200, 400, 800, 1600],
  );
  assert.deepEqual(
    [1, 2, 3].map((a) => backoffDelay(a, { ...policy, factor: 3 })),
    [100, 300, 900],
  );
});

Deno.test("backoffDelay() never exceeds maxMs, even for huge attempt numbers", () => {
  const policy = { baseMs: 100, maxMs: 5_000, jitter: 0 };
  assert.equal(backoffDelay(7, policy), 5_000);
  assert.equal(backoffDelay(10_000, policy), 5_000);
  assert.equal(backoffDelay(1, { baseMs: 9_000, maxMs: 5_000, jitter: 0 }), 5_000);
});

Deno.test("backoffDelay() treats attempts below 1 as the first", () => {
  const policy = { baseMs: 100, maxMs: 5_000, jitter: 0 };
  assert.equal(backoffDelay(0, policy), 100);
  assert.equal(backoffDelay(-3, policy), 100);
});

Deno.test("backoffDelay() takes away at most `jitter` of the delay", () => {
  const policy = { baseMs: 1_000, maxMs: 60_000, jitter: 0.5 };
  assert.equal(backoffDelay(2, policy, fixed(0)), 2_000);
  assert.equal(backoffDelay(2, policy, fixed(0.5)), 1_500);
  assert.equal(backoffDelay(2, policy, fixed(1)), 1_000);
  for (let i = 0; i < 1_000; i++) {
    const ms = backoffDelay(2, policy);
    assert.ok(ms >= 1_000 && ms <= 2_000, `${ms} is outside [1000, 2000]`);
  }
});

Deno.test("backoffDelay() uses half jitter by default and clamps jitter to [0, 1]", () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };
  assert.equal(backoffDelay(1, policy, fixed(1)), 500);
  assert.equal(backoffDelay(1, { ...policy, jitter: 5 }, fixed(1)), 0);
  assert.equal(backoffDelay(1, { ...policy, jitter: -1 }, fixed(1)), 1_000);
  assert.equal(backoffDelay(1, { ...policy, jitter: 1 }, fixed(0.25)), 750);
});

Deno.test("backoffDelay() returns whole milliseconds", () => {
  const ms = backoffDelay(1, { baseMs: 3, maxMs: 10, jitter: 0.5 }, fixed(0.3));
  assert.equal(ms, Math.round(ms));
});

Deno.test("retry() returns the first success and passes 1-based attempt numbers", async () => {
  const seen: number[] = [];
  const value = await retry((attempt) => {
    seen.push(attempt);
    return attempt < 3 ? Promise.reject(new Error(`fail ${attempt}`)) : Promise.resolve("ok");
  }, { maxAttempts: 5, baseMs: 1, maxMs: 2, random: fixed(0) });
  assert.equal(value, "ok");
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("retry() does not wait or retry when the first attempt succeeds", async () => {
  let retries = 0;
  const value = await retry(() => Promise.resolve(7), {
    maxAttempts: 3,
    baseMs: 10_000,
    maxMs: 10_000,
    onRetry: () => retries++,
  });
  assert.equal(value, 7);
  assert.equal(retries, 0);
});

Deno.test("retry() gives up after maxAttempts and throws the last attempt's error", async () => {
  let calls = 0;
  const errors: Error[] = [];
  await assert.rejects(
    retry(() => {
      const error = new Error(`fail ${++calls}`);
      errors.push(error);
      return Promise.reject(error);
    }, { maxAttempts: 3, baseMs: 1, maxMs: 1, random: fixed(0) }),
    (e: unknown) => e === errors[2],
  );
  assert.equal(calls, 3);
});

Deno.test("retry() calls onRetry before each wait with the error, attempt and delay", async () => {
  const calls: Array<[string, number, number]> = [];
  await assert.rejects(
    retry((attempt) => Promise.reject(new Error(`e${attempt}`)), {
      maxAttempts: 3,
      baseMs: 2,
      maxMs: 3,
      jitter: 0,
      onRetry: (error, attempt, ms) => calls.push([(error as Error).message, attempt, ms]),
    }),
    /e3/,
  );
  assert.deepEqual(calls, [["e1", 1, 2], ["e2", 2, 3]]);
});

Deno.test("retry() stops at once when shouldRetry says no", async () => {
  let calls = 0;
  const fatal = new Error("fatal");
  const seen: unknown[] = [];
  await assert.rejects(
    retry(() => {
      calls++;
      return Promise.reject(calls === 1 ? new Error("flaky") : fatal);
    }, {
      maxAttempts: 10,
      baseMs: 1,
      maxMs: 1,
      shouldRetry: (e) => {
        seen.push(e);
        return e !== fatal;
      },
    }),
    (e: unknown) => e === fatal,
  );
  assert.equal(calls, 2);
  assert.equal(seen.length, 2);
});

Deno.test("retry() does not call fn when the signal is already aborted", async () => {
  const ac = new AbortController();
  const reason = new Error("shutting down");
  ac.abort(reason);
  let calls = 0;
  await assert.rejects(
    retry(() => {
      calls++;
      return Promise.resolve(1);
    }, { maxAttempts: 3, baseMs: 1, maxMs: 1, signal: ac.signal }),
    (e: unknown) => e === reason,
  );
  assert.equal(calls, 0);
});

Deno.test("retry() stops waiting and rethrows the signal's reason when aborted mid-wait", async () => {
  const ac = new AbortController();
  const reason = new Error("shutting down");
  let calls = 0;
  await assert.rejects(
    retry(() => {
      calls++;
      return Promise.reject(new Error("flaky"));
    }, {
      maxAttempts: 5,
      // A long wait: if the abort did not cut it short, the sanitizer would report the timer.
      baseMs: 60_000,
      maxMs: 60_000,
      jitter: 0,
      signal: ac.signal,
      onRetry: () => queueMicrotask(() => ac.abort(reason)),
    }),
    (e: unknown) => e === reason,
  );
  assert.equal(calls, 1);
});
