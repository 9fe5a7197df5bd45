import assert from "node:assert/strict";
import type { Schedule } from "../../shared/api_schemas_schedules.ts";
import { fakeFamily } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";
import { formatSchedule, formatSchedules } from "./schedule.ts";

const schedule = (overrides: Partial<Schedule> = {}): Schedule => ({
  id: "sch_1",
  name: "nightly",
  family: "Report",
  version: null,
  params: { region: "eu" },
  timeParams: { day: "date" },
  cron: "30 2 * * *",
  intervalMs: null,
  zone: "Europe/Berlin",
  startAt: null,
  endAt: null,
  catchUp: { mode: "latest" },
  overlap: "skip",
  jitterMs: 0,
  priority: 0,
  paused: null,
  lastNominalAt: Date.parse("2026-12-04T01:30:00Z"),
  nextTimes: [Date.parse("2026-12-05T01:30:00Z")],
  bufferedAt: null,
  createdBy: "ops",
  createdAt: 0,
  ...overrides,
});

const REPORT = fakeFamily({
  name: "Report",
  paramsSchema: {
    type: "object",
    properties: { day: { type: "string" }, region: { type: "string" }, top: { type: "integer" } },
  },
});

Deno.test("schedule create converts --param with the family's schema and sends the policies", async () => {
  const { code, stdout, requests } = await runAgainst(
    [
      "schedule",
      "create",
      "nightly",
      "Report",
      "--cron",
      "30 2 * * *",
      "--zone",
      "Europe/Berlin",
      "--param",
      "region=eu",
      "--param",
      "top=10",
      "--time-param",
      "day=date",
      "--catch-up",
      "all:3d:5",
      "--overlap",
      "buffer",
      "--jitter",
      "2m",
    ],
    {
      "GET /api/families/Report": inTurn(REPORT),
      "POST /api/schedules": inTurn(schedule()),
    },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests.at(-1)?.body, {
    name: "nightly",
    family: "Report",
    params: { region: "eu", top: 10 },
    timeParams: { day: "date" },
    cron: "30 2 * * *",
    zone: "Europe/Berlin",
    catchUp: { mode: "all", windowMs: 259_200_000, max: 5 },
    overlap: "buffer",
    jitterMs: 120_000,
  });
  assert.equal(
    stdout,
    'Created schedule nightly: cron "30 2 * * *" Europe/Berlin; next 2026-12-05 01:30:00Z\n',
  );
});

Deno.test("schedule list, show, pause, resume, trigger and delete say what they did", async () => {
  const list = await runAgainst(["schedule", "list"], {
    "GET /api/schedules": inTurn({ schedules: [schedule()] }),
  });
  assert.match(list.stdout, /^NAME +FAMILY +WHEN +NEXT +STATE +CATCH-UP +OVERLAP$/m);
  assert.match(
    list.stdout,
    /^nightly +Report +cron "30 2 \* \* \*" Europe\/Berlin +2026-12-05 01:30:00Z +active +latest +skip$/m,
  );
  const paused = schedule({ paused: { at: 0, reason: "upstream late" } });
  // A paused schedule's next time will not fire: none is shown.
  assert.match(
    formatSchedules([paused]),
    /^nightly +Report +cron "30 2 \* \* \*" Europe\/Berlin +- +paused +latest +skip$/m,
  );
  const pause = await runAgainst(["schedule", "pause", "nightly", "--reason", "upstream late"], {
    "POST /api/schedules/nightly/pause": inTurn(paused),
  });
  assert.deepEqual(pause.requests[0]?.body, { reason: "upstream late" });
  assert.equal(
    pause.stdout,
    'Paused schedule nightly: nothing fires until "drover schedule resume nightly"\n',
  );
  const resume = await runAgainst(["schedule", "resume", "nightly"], {
    "POST /api/schedules/nightly/resume": inTurn(schedule()),
  });
  assert.equal(resume.stdout, "Resumed schedule nightly: next 2026-12-05 01:30:00Z\n");
  const trigger = await runAgainst(["schedule", "trigger", "nightly"], {
    "POST /api/schedules/nightly/trigger": inTurn({
      name: "nightly",
      nominalAt: 0,
      outcome: "fired",
      runId: "run_7",
    }),
  });
  assert.equal(
    trigger.stdout,
    "Fired schedule nightly now: run run_7\nFollow it with: drover status run_7\n",
  );
  const skipped = await runAgainst(["schedule", "trigger", "nightly"], {
    "POST /api/schedules/nightly/trigger": inTurn({
      name: "nightly",
      nominalAt: 0,
      outcome: "skipped",
      reason: "overlap",
    }),
  });
  assert.equal(skipped.stdout, "Schedule nightly did not fire: overlap\n");
  const deleted = await runAgainst(["schedule", "delete", "nightly", "--json"], {
    "DELETE /api/schedules/nightly": inTurn({ name: "nightly", deleted: true }),
  });
  assert.deepEqual(JSON.parse(deleted.stdout), { name: "nightly", deleted: true });
  assert.match(
    formatSchedule(paused),
    /^State +paused since 1970-01-01 00:00:00Z: upstream late$/m,
  );
  assert.equal(
    formatSchedules([]),
    "No schedules. Create one with: drover schedule create NAME FAMILY --cron EXPR",
  );
});

Deno.test("schedule's usage errors name the mistake and exit 2", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["schedule", "create", "x", "Report"], /one of "--cron EXPR" or "--every DURATION"/],
    [
      ["schedule", "create", "x", "Report", "--cron", "* * * * *", "--every", "1h"],
      /one of "--cron/,
    ],
    [["schedule", "create", "x"], /Missing FAMILY for "schedule create"/],
    [["schedule", "pause"], /Missing NAME for "schedule pause"/],
    [["schedule", "list", "x"], /Unexpected argument "x"/],
    [["schedule", "run", "x"], /Schedule action got "run"/],
    [["schedule", "create", "x", "R", "--every", "soon"], /"--every" takes a duration/],
    [
      ["schedule", "create", "x", "R", "--cron", "@daily", "--catch-up", "all:3d"],
      /all:WINDOW:MAX/,
    ],
    [["schedule", "create", "x", "R", "--cron", "@daily", "--time-param", "day=week"], /NAME=date/],
    [
      ["schedule", "create", "x", "R", "--cron", "@daily", "--start", "tomorrow"],
      /"--start" takes a time/,
    ],
    [["schedule", "show", "x", "--cron", "@daily"], /"--cron" applies to "schedule create" only/],
    [["schedule", "resume", "x", "--reason", "r"], /"--reason" applies to "schedule pause" only/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await runAgainst(argv, {});
    assert.equal(code, 2, argv.join(" "));
    assert.match(stderr, message, argv.join(" "));
  }
});
