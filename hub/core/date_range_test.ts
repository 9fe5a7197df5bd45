import assert from "node:assert/strict";
import { dateRange, MAX_BACKFILL_DAYS } from "./date_range.ts";

Deno.test("dateRange() lists every day from one date to another, both included", () => {
  assert.deepEqual(dateRange("2026-11-29", "2026-12-02"), [
    "2026-11-29",
    "2026-11-30",
    "2026-12-01",
    "2026-12-02",
  ]);
  assert.deepEqual(dateRange("2026-11-01", "2026-11-01"), ["2026-11-01"]);
});

Deno.test("dateRange() counts in UTC, so daylight-saving changes and leap days are one day each", () => {
  assert.equal(dateRange("2026-03-28", "2026-03-30").length, 3);
  assert.equal(dateRange("2026-10-24", "2026-10-26").length, 3);
  assert.deepEqual(dateRange("2028-02-28", "2028-03-01"), [
    "2028-02-28",
    "2028-02-29",
    "2028-03-01",
  ]);
  assert.equal(dateRange("2026-01-01", "2026-12-31").length, 365);
});

Deno.test("dateRange() refuses a reversed range, naming both dates", () => {
  assert.throws(
    () => dateRange("2026-12-05", "2026-12-01"),
    new RangeError('Invalid date range: "from" 2026-12-05 is after "to" 2026-12-01'),
  );
});

Deno.test("dateRange() refuses a range over the limit before listing it", () => {
  assert.equal(dateRange("2020-01-01", "2030-01-07").length, MAX_BACKFILL_DAYS);
  assert.throws(
    () => dateRange("2020-01-01", "2030-01-08"),
    new RangeError(
      "Invalid date range: 2020-01-01 to 2030-01-08 is 3661 days, over the limit of 3660",
    ),
  );
  assert.throws(() => dateRange("0001-01-01", "9999-12-31"), /over the limit/);
});

Deno.test("dateRange() refuses what is not a real YYYY-MM-DD day", () => {
  for (const bad of ["2026-02-30", "2026-13-01", "2026-1-01", "20261101", "2026-11-01T00:00"]) {
    assert.throws(
      () => dateRange(bad, "2026-12-01"),
      new RangeError(`Invalid "from" date "${bad}": expected a day as YYYY-MM-DD`),
    );
  }
  assert.throws(() => dateRange("2026-11-01", "nope"), /Invalid "to" date "nope"/);
});
