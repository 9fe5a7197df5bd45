import assert from "node:assert/strict";
import {
  dueTimes,
  nextTimes,
  nominalParts,
  ON_TIME_MS,
  type ScheduleTiming,
  timingProblem,
} from "./schedule_times.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const timing = (extra: Partial<ScheduleTiming>): ScheduleTiming => ({
  cron: null,
  intervalMs: null,
  zone: "UTC",
  startAt: null,
  endAt: null,
  anchorAt: at("2026-01-01T00:00:00Z"),
  ...extra,
});
const berlin = (cron: string) => timing({ cron, zone: "Europe/Berlin" });
/** The nominal times in `[from, to)`. */
const between = (t: ScheduleTiming, from: string, to: string) =>
  nextTimes(t, at(from) - 1, 100).filter((ms) => ms < at(to));

Deno.test("timingProblem() names what is wrong with a schedule's timing", () => {
  assert.equal(timingProblem(berlin("30 2 * * *")), null);
  assert.equal(timingProblem(timing({ cron: "*/5 * * * * *" })), null);
  assert.equal(timingProblem(timing({ cron: "@daily" })), null);
  assert.equal(timingProblem(timing({ intervalMs: 60_000 })), null);
  const problems: Array<[Partial<ScheduleTiming>, RegExp]> = [
    [{}, /either cron or intervalMs/],
    [{ cron: "* * * * *", intervalMs: 1_000 }, /either cron or intervalMs/],
    [{ cron: "61 * * * *" }, /minute: 61/],
    [{ cron: "* * *" }, /5 fields/],
    [{ cron: "0 0 * * * * 2027" }, /5 fields/],
    [{ cron: "0 0 30 2 *" }, /never fires/],
    [{ cron: "* * * * *", zone: "Mars/Olympus" }, /not an IANA time zone/],
    [{ intervalMs: 999 }, /at least 1000/],
    [{ intervalMs: 1_500.5 }, /whole number/],
    [{ intervalMs: 60_000, startAt: 10, endAt: 10 }, /endAt must be after startAt/],
  ];
  for (const [extra, message] of problems) {
    assert.match(timingProblem(timing(extra)) ?? "", message, JSON.stringify(extra));
  }
});

Deno.test("a daily 02:30 in Europe/Berlin fires once on both daylight-saving days", () => {
  const t = berlin("30 2 * * *");
  // Spring forward, 29 March 2026: 02:30 does not exist; it fires at 03:00 CEST.
  assert.deepEqual(between(t, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z").map(iso), [
    "2026-03-28T01:30:00.000Z",
    "2026-03-29T01:00:00.000Z",
    "2026-03-30T00:30:00.000Z",
  ]);
  assert.equal(
    nominalParts(at("2026-03-29T01:00:00Z"), t.zone).datetime,
    "2026-03-29T03:00:00+02:00",
  );
  // Fall back, 25 October 2026: 02:30 happens twice; it fires at the first.
  assert.deepEqual(between(t, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z").map(iso), [
    "2026-10-24T00:30:00.000Z",
    "2026-10-25T00:30:00.000Z",
    "2026-10-26T01:30:00.000Z",
  ]);
  assert.deepEqual(
    ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"].map((s) => nominalParts(at(s), t.zone)),
    [
      { date: "2026-10-25", datetime: "2026-10-25T02:30:00+02:00" },
      { date: "2026-10-26", datetime: "2026-10-26T02:30:00+01:00" },
    ],
  );
});

Deno.test("an hourly schedule fires once per real hour: 23 on spring-forward day, 25 on fall-back day", () => {
  const t = berlin("0 * * * *");
  // The local days, midnight to midnight, in UTC.
  const spring = between(t, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z");
  const fall = between(t, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
  assert.equal(spring.length, 23);
  assert.equal(fall.length, 25);
  // An hour apart each, across both transitions.
  for (const times of [spring, fall]) {
    assert.ok(times.every((ms, i) => i === 0 || ms - times[i - 1]! === 3_600_000));
  }
  // The local hour 02:00 twice on the fall-back day, once with each offset.
  const twos = fall.map((ms) => nominalParts(ms, t.zone).datetime).filter((s) =>
    s.includes("T02:")
  );
  assert.deepEqual(twos, ["2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00"]);
});

Deno.test("a second zone: 09:00 in New York moves an hour in UTC across its own transition", () => {
  const t = timing({ cron: "0 9 * * *", zone: "America/New_York" });
  assert.deepEqual(between(t, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z").map(iso), [
    "2026-03-07T14:00:00.000Z",
    "2026-03-08T13:00:00.000Z",
    "2026-03-09T13:00:00.000Z",
  ]);
  assert.equal(nominalParts(at("2026-03-08T13:00:00Z"), t.zone).date, "2026-03-08");
});

Deno.test("a fixed interval counts from its start, and stops at its end", () => {
  const t = timing({
    intervalMs: 15 * 60_000,
    startAt: at("2026-06-01T10:05:00Z"),
    endAt: at("2026-06-01T11:00:00Z"),
  });
  assert.deepEqual(nextTimes(t, 0, 10).map(iso), [
    "2026-06-01T10:05:00.000Z",
    "2026-06-01T10:20:00.000Z",
    "2026-06-01T10:35:00.000Z",
    "2026-06-01T10:50:00.000Z",
  ]);
  assert.deepEqual(nextTimes(t, at("2026-06-01T10:20:00Z"), 1).map(iso), [
    "2026-06-01T10:35:00.000Z",
  ]);
});

Deno.test("dueTimes(): on time fires; after an outage, the catch-up policy decides", () => {
  const t = timing({ cron: "0 * * * *" });
  const last = at("2026-06-01T05:00:00Z");
  // On time (within a minute): fires, whatever the policy.
  const onTime = dueTimes(t, last, at("2026-06-01T06:00:30Z"), { mode: "none" });
  assert.deepEqual(onTime, {
    fire: [at("2026-06-01T06:00:00Z")],
    missed: 0,
    through: at("2026-06-01T06:00:00Z"),
  });
  // Down from 05:30 to 10:20: 06:00 … 10:00 are due, all late.
  const now = at("2026-06-01T10:20:00Z");
  const through = at("2026-06-01T10:00:00Z");
  assert.deepEqual(dueTimes(t, last, now, { mode: "none" }), { fire: [], missed: 5, through });
  assert.deepEqual(dueTimes(t, last, now, { mode: "latest" }), {
    fire: [through],
    missed: 4,
    through,
  });
  const all = dueTimes(t, last, now, { mode: "all", windowMs: 3 * 3_600_000, max: 2 });
  assert.deepEqual(all.fire.map(iso), ["2026-06-01T09:00:00.000Z", "2026-06-01T10:00:00.000Z"]);
  assert.equal(all.missed, 3);
  // The window bounds what may fire even under a larger cap.
  const windowed = dueTimes(t, last, now, { mode: "all", windowMs: 2.5 * 3_600_000, max: 100 });
  assert.deepEqual(windowed.fire.map(iso), [
    "2026-06-01T08:00:00.000Z",
    "2026-06-01T09:00:00.000Z",
    "2026-06-01T10:00:00.000Z",
  ]);
  // Nothing due: nothing moves.
  assert.deepEqual(dueTimes(t, through, now, { mode: "latest" }), { fire: [], missed: 0, through });
});

Deno.test("dueTimes() after a long outage of an every-second schedule stays bounded", () => {
  const t = timing({ cron: "* * * * * *" });
  const last = at("2026-06-01T00:00:00Z");
  const now = last + 86_400_000;
  const due = dueTimes(t, last, now, { mode: "all", windowMs: 3_600_000, max: 10 });
  // The newest ten late ones, and the minute on time.
  assert.equal(due.fire.length, 10 + ON_TIME_MS / 1_000 + 1);
  assert.equal(due.through, now);
  assert.equal(due.missed, 10_000 - due.fire.length);
});
