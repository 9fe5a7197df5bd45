import assert from "node:assert/strict";
import { formatAge, formatDuration, formatTimestamp, runElapsedMs } from "./format_time.ts";

Deno.test("formatDuration() picks milliseconds, seconds, minutes or hours", () => {
  assert.equal(formatDuration(38), "38ms");
  assert.equal(formatDuration(1234), "1.2s");
  assert.equal(formatDuration(125_000), "2m 05s");
  assert.equal(formatDuration(3_725_000), "1h 02m");
  assert.equal(formatDuration(-5), "0ms");
});

Deno.test("formatTimestamp() prints UTC to the second, and - when absent", () => {
  assert.equal(formatTimestamp(Date.UTC(2026, 10, 23, 23, 57, 1, 999)), "2026-11-23 23:57:01Z");
  assert.equal(formatTimestamp(null), "-");
});

Deno.test("formatAge() says how long ago, in the largest whole unit", () => {
  assert.equal(formatAge(10_000, 13_000), "3s ago");
  assert.equal(formatAge(0, 5 * 60_000), "5m ago");
  assert.equal(formatAge(0, 3 * 86_400_000), "3d ago");
  assert.equal(formatAge(5_000, 0), "0s ago");
});

Deno.test("runElapsedMs() is a run's createdAt to finishedAt, or to the hub's now while it runs", () => {
  assert.equal(runElapsedMs({ createdAt: 1_000, finishedAt: 3_500 }, 99_000), 2_500);
  assert.equal(runElapsedMs({ createdAt: 1_000, finishedAt: null }, 4_000), 3_000);
  assert.equal(runElapsedMs({ createdAt: 5_000, finishedAt: null }, 4_000), 0, "never below 0");
});
