import assert from "node:assert/strict";
import { backoffDelay } from "./backoff.ts";

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
