import assert from "node:assert/strict";
import { percentile, summarize } from "./stats.ts";

Deno.test("percentile() picks the nearest-rank value, never an interpolation", () => {
  const values = [15, 20, 35, 40, 50];
  assert.equal(percentile(values, 0), 15);
  assert.equal(percentile(values, 5), 15);
  assert.equal(percentile(values, 30), 20);
  assert.equal(percentile(values, 40), 20);
  assert.equal(percentile(values, 50), 35);
  assert.equal(percentile(values, 100), 50);
});

Deno.test("percentile() sorts numerically, not as strings", () => {
  assert.equal(percentile([100, 9, 25], 50), 25);
  assert.equal(percentile([-3, 2, -10], 0), -10);
});

Deno.test("percentile() of one value is that value for every p", () => {
  for (const p of [0, 1, 50, 99, 100]) assert.equal(percentile([7], p), 7);
});

Deno.test("percentile() p99 of 1..1000 is 990 and p50 is 500", () => {
  const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
  assert.equal(percentile(values, 99), 990);
  assert.equal(percentile(values, 50), 500);
});

Deno.test("percentile() leaves its input unsorted", () => {
  const values = [3, 1, 2];
  percentile(values, 50);
  assert.deepEqual(values, [3, 1, 2]);
});

Deno.test("percentile() refuses an empty list, a bad p and a value that is not finite", () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], NaN), RangeError);
  assert.throws(() => percentile([1, NaN], 50), /index 1/);
  assert.throws(() => percentile([Infinity], 50), RangeError);
});

Deno.test("summarize() gives count, extremes, percentiles and mean", () => {
  const s = summarize([4, 1, 3, 2]);
  assert.deepEqual(s, { count: 4, min: 1, p50: 2, p90: 4, p99: 4, max: 4, mean: 2.5 });
});

Deno.test("summarize() of an empty list has a zero count and null figures", () => {
  assert.deepEqual(summarize([]), {
    count: 0,
    min: null,
    p50: null,
    p90: null,
    p99: null,
    max: null,
    mean: null,
  });
});
