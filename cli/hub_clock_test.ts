import assert from "node:assert/strict";
import { createHubClock } from "./hub_clock.ts";

/** A `Date` header for hub time `ms`: whole seconds, as HTTP servers write it. */
const httpDate = (ms: number) => new Date(ms).toUTCString();

function clockAt(start: number) {
  let local = start;
  const clock = createHubClock(() => local);
  return { clock, advance: (ms: number) => (local += ms) };
}

Deno.test("a hub clock without Date headers is the CLI's own clock", () => {
  const { clock, advance } = clockAt(5_000);
  clock.observe(5_000, 5_010, null);
  clock.observe(5_000, 5_010, "not a date");
  advance(100);
  assert.equal(clock.now(), 5_100);
});

Deno.test("a hub clock takes clocks in step as equal, even with a lagging Date", () => {
  const t = Date.UTC(2026, 10, 23, 12);
  const { clock } = clockAt(t + 400);
  // The hub answered at t + 700 on its clock (a 300 ms skew): its Date says t.
  clock.observe(t + 400, t + 450, httpDate(t + 700));
  assert.equal(clock.now(), t + 400);
  // Deno's server caches its Date: it may say a second and more before the clock.
  clock.observe(t + 2_950, t + 2_960, httpDate(t + 1_000));
  assert.equal(clock.now(), t + 400);
});

Deno.test("a hub clock corrects a skew of more than a few seconds to within 1.5 s and the round trip", () => {
  const t = Date.UTC(2026, 10, 23, 12);
  for (const skew of [90_000, -90_000, 3_600_000 + 250]) {
    const { clock, advance } = clockAt(t);
    clock.observe(t, t + 40, httpDate(t + 20 + skew));
    advance(5_000);
    const error = clock.now() - (t + 5_000 + skew);
    assert.ok(Math.abs(error) <= 1_520, `skew ${skew}: off by ${error} ms`);
  }
});

Deno.test("a hub clock narrows the skew with each answer, and starts anew when the hub's clock steps", () => {
  const t = Date.UTC(2026, 10, 23, 12);
  const skew = 10_700;
  const { clock, advance } = clockAt(t);
  // Answers at various points within the hub's seconds pin the skew down.
  for (let i = 0; i < 10; i++) {
    const local = t + i * 1_130;
    clock.observe(local, local + 20, httpDate(local + 10 + skew));
  }
  advance(20_000);
  const error = clock.now() - (t + 20_000 + skew);
  assert.ok(Math.abs(error) <= 1_000, `off by ${error} ms`);
  // The hub's clock is set back a minute: the old interval no longer holds.
  const later = t + 20_000;
  clock.observe(later, later + 20, httpDate(later + 10 + skew - 60_000));
  assert.ok(Math.abs(clock.now() - (later + skew - 60_000)) <= 1_520);
});
