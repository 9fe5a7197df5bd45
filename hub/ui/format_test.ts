import assert from "node:assert/strict";
import { absoluteTime, duration, relativeTime } from "./format.ts";

Deno.test("duration() writes the two largest units, or one when coarse", () => {
  assert.equal(duration(850), "850 ms");
  assert.equal(duration(1_234), "1.2 s");
  assert.equal(duration(42_000), "42 s");
  assert.equal(duration(302_000), "5 min 2 s");
  assert.equal(duration(3 * 3_600_000 + 4 * 60_000), "3 h 4 min");
  assert.equal(duration(2 * 86_400_000 + 5 * 3_600_000, true), "2 d");
  assert.equal(duration(3_600_000), "1 h");
});

Deno.test("relativeTime() is past or future, and absoluteTime() is UTC to the second", () => {
  assert.equal(relativeTime(1_000, 1_500), "just now");
  assert.equal(relativeTime(0, 300_000), "5 min ago");
  assert.equal(relativeTime(400_000, 100_000), "in 5 min");
  assert.equal(absoluteTime(Date.UTC(2026, 10, 23, 14, 5, 9, 120)), "2026-11-23 14:05:09 UTC");
});
