import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "./duration.ts";

Deno.test("durations are parsed in each unit and bad ones are refused", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("15m"), 900_000);
  assert.equal(parseDuration("24h"), 86_400_000);
  assert.equal(parseDuration("7d"), 604_800_000);
  for (const bad of ["", "15", "1.5h", "-1h", "1w", "h", "10 m"]) {
    assert.equal(parseDuration(bad), null, bad);
  }
});

Deno.test("durations are written in the largest exact unit", () => {
  assert.equal(formatDuration(604_800_000), "7d");
  assert.equal(formatDuration(5_400_000), "90m");
  assert.equal(formatDuration(1_500), "1500ms");
  assert.equal(formatDuration(0), "0ms");
});
