/**
 * Schedules on a hub with an injected clock: each nominal time fires once
 * across two hubs on one database, with parameters from the time (daylight
 * saving included); catch-up and overlap policies make exactly the runs
 * their documentation says; pause, resume and trigger.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { defineTask } from "../../shared/task.ts";
import { openDatabase } from "../db/client.ts";
import { newTestDatabaseUrl, testPostgresServer } from "../db/test_database.ts";
import { Load } from "../http/test_role_table.ts";
import { type TestApp, testApp } from "../test_app.ts";

const at = (iso: string) => Date.parse(iso);

const Report = defineTask({
  family: "Report",
  params: z.object({ day: z.iso.date(), of: z.string() }),
  run: async () => {},
});

/** A settable clock. */
function clock(iso: string) {
  let now = at(iso);
  return { now: () => now, set: (to: string) => void (now = at(to)) };
}

async function create(t: TestApp, body: Record<string, unknown>) {
  const res = await t.app.request("/api/schedules", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ family: "Load", timeParams: { day: "date" }, ...body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json();
}

/** The schedule's runs: nominal time (ISO) and the day parameter, oldest first. */
async function runsOf(t: TestApp, name: string) {
  const rows = await t.core.read((db) =>
    db.all<{ nominal_at: number; params: string; state: string }>(sql`
      SELECT r.nominal_at, r.params, r.state FROM runs r JOIN schedules s ON s.id = r.schedule_id
      WHERE s.name = ${name} ORDER BY r.nominal_at, r.created_at`)
  );
  return rows.map((r) => ({
    at: new Date(r.nominal_at).toISOString(),
    day: JSON.parse(r.params).day,
    state: r.state,
  }));
}

Deno.test("a schedule fires each nominal time once across two hubs, its day taken in its zone", async () => {
  const c = clock("2026-03-27T12:00:00Z");
  const dir = await Deno.makeTempDir({ prefix: "drover-schedules-" });
  // Removed last, after both hubs closed, whether the test passes or not.
  await using _dir = { [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
  const url = testPostgresServer() ? await newTestDatabaseUrl() : `file:${dir}/hub.db`;
  await using a = await testApp([Load], {
    now: c.now,
    hubId: "a",
    database: await openDatabase(url, { busyTimeoutMs: 5_000 }),
  });
  await using b = await testApp([Load], {
    now: c.now,
    hubId: "b",
    database: await openDatabase(url, { busyTimeoutMs: 5_000 }),
  });
  // No worker runs anything here: `allow` lets each night's run start beside the last.
  await create(a, { name: "nightly", cron: "30 2 * * *", zone: "Europe/Berlin", overlap: "allow" });
  // One after the other: two hubs in one process on one SQLite file would block each other's
  // thread in the busy wait. (Hubs as processes would not.)
  const fire = async (): Promise<[number, number]> => [
    await a.core.schedules.fireDue(),
    await b.core.schedules.fireDue(),
  ];
  assert.deepEqual(await fire(), [0, 0]);
  for (const now of ["2026-03-28T01:30:02Z", "2026-03-29T01:00:03Z", "2026-03-30T00:30:01Z"]) {
    c.set(now);
    const fired = await fire();
    assert.equal(fired[0] + fired[1], 1, `one fire at ${now}: ${fired}`);
    assert.deepEqual(await fire(), [0, 0]);
  }
  assert.deepEqual((await runsOf(a, "nightly")).map((r) => [r.at, r.day]), [
    ["2026-03-28T01:30:00.000Z", "2026-03-28"],
    // Spring forward: 02:30 did not exist in Berlin; it fired at 03:00 CEST.
    ["2026-03-29T01:00:00.000Z", "2026-03-29"],
    ["2026-03-30T00:30:00.000Z", "2026-03-30"],
  ]);
  const listed = await (await b.app.request("/api/schedules")).json();
  assert.deepEqual(
    listed.schedules.map((
      s: { name: string; nextTimes: number[] },
    ) => [s.name, new Date(s.nextTimes[0]!).toISOString()]),
    [["nightly", "2026-03-31T00:30:00.000Z"]],
  );
});

Deno.test("catch-up after the hubs were down: none, the latest, or the newest within a window", async () => {
  const c = clock("2026-06-01T05:30:00Z");
  await using t = await testApp([Load], { now: c.now });
  // No worker runs anything here: `allow` lets each hour's run start beside the last.
  const hourly = { cron: "0 * * * *", overlap: "allow" };
  await create(t, { ...hourly, name: "none", catchUp: { mode: "none" } });
  await create(t, { ...hourly, name: "latest", catchUp: { mode: "latest" } });
  const all = { mode: "all", windowMs: 3 * 3_600_000, max: 2 };
  await create(t, { ...hourly, name: "all", catchUp: all });
  // Down from 05:30 to 10:20: 06:00 … 10:00 were missed.
  c.set("2026-06-01T10:20:00Z");
  const behind = async () =>
    (await t.core.metrics.scrape()).body.match(
      /^drover_schedule_behind_seconds\{schedule="none"\} (\S+)$/m,
    )?.[1];
  assert.equal(await behind(), String(4 * 3600 + 20 * 60));
  await t.core.schedules.fireDue();
  assert.equal(await behind(), "0");
  assert.deepEqual(await runsOf(t, "none"), []);
  assert.deepEqual((await runsOf(t, "latest")).map((r) => r.at), ["2026-06-01T10:00:00.000Z"]);
  assert.deepEqual((await runsOf(t, "all")).map((r) => r.at), [
    "2026-06-01T09:00:00.000Z",
    "2026-06-01T10:00:00.000Z",
  ]);
  // Back on time: 11:00 fires for each, once.
  c.set("2026-06-01T11:00:01Z");
  await t.core.schedules.fireDue();
  await t.core.schedules.fireDue();
  for (const name of ["none", "latest", "all"]) {
    const runs = await runsOf(t, name);
    const at11 = runs.filter((r) => r.at === "2026-06-01T11:00:00.000Z");
    assert.equal(at11.length, 1, `${name}: ${JSON.stringify(runs)}`);
  }
  // Fires, skips by reason, and lateness, by schedule.
  const { body } = await t.core.metrics.scrape();
  const value = (series: string) =>
    Number(body.split("\n").find((l) => l.startsWith(`${series} `))?.split(" ")[1]);
  assert.equal(value('drover_schedule_fires_total{schedule="all"}'), 3);
  assert.equal(value('drover_schedule_skips_total{schedule="none",reason="missed"}'), 5);
  assert.equal(value('drover_schedule_skips_total{schedule="latest",reason="missed"}'), 4);
  assert.equal(value('drover_schedule_lateness_seconds_count{schedule="latest"}'), 2);
  // 10:00 fired at 10:20 and 11:00 at 11:00:01: one in the 1 s bucket, both by an hour.
  assert.equal(value('drover_schedule_lateness_seconds_bucket{le="1",schedule="latest"}'), 1);
  assert.equal(value('drover_schedule_lateness_seconds_bucket{le="3600",schedule="latest"}'), 2);
});

Deno.test("overlap while the previous run is going: skip, buffer one, allow, or cancel it", async () => {
  const c = clock("2026-06-01T00:00:00Z");
  await using t = await testApp([Load, Report], { now: c.now });
  // A task of its own per schedule and day: cancelling one schedule's run touches no other's.
  for (const overlap of ["skip", "buffer", "allow", "cancel"]) {
    await create(t, {
      name: overlap,
      family: "Report",
      params: { of: overlap },
      cron: "0 6 * * *",
      overlap,
    });
  }
  // No worker runs anything: every run stays going.
  for (const day of ["01", "02", "03"]) {
    c.set(`2026-06-${day}T06:00:01Z`);
    await t.core.schedules.fireDue();
  }
  const days = async (name: string) => (await runsOf(t, name)).map((r) => `${r.day} ${r.state}`);
  assert.deepEqual(await days("skip"), ["2026-06-01 running"]);
  assert.deepEqual(await days("allow"), [
    "2026-06-01 running",
    "2026-06-02 running",
    "2026-06-03 running",
  ]);
  assert.deepEqual(await days("cancel"), [
    "2026-06-01 cancelled",
    "2026-06-02 cancelled",
    "2026-06-03 running",
  ]);
  // Buffer: one waits (the newest), and fires once the going run ends.
  assert.deepEqual(await days("buffer"), ["2026-06-01 running"]);
  const buffered = await (await t.app.request("/api/schedules/buffer")).json();
  assert.equal(new Date(buffered.bufferedAt).toISOString(), "2026-06-03T06:00:00.000Z");
  const [first] = await t.core.read((db) =>
    db.all<{ id: string }>(
      sql`SELECT r.id FROM runs r JOIN schedules s ON s.id = r.schedule_id WHERE s.name = 'buffer'`,
    )
  );
  await t.core.runs.cancelRun(first!.id, "test");
  c.set("2026-06-03T06:05:00Z");
  await t.core.schedules.fireDue();
  assert.deepEqual(await days("buffer"), ["2026-06-01 cancelled", "2026-06-03 running"]);
});

Deno.test("pause, resume, trigger now and delete; bad schedules are clear 400s", async () => {
  const c = clock("2026-06-01T00:00:00Z");
  await using t = await testApp([Load], { now: c.now });
  await create(t, { name: "daily", cron: "0 6 * * *" });
  const post = (path: string, body: unknown = {}) =>
    t.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const paused = await (await post("/api/schedules/daily/pause", { reason: "upstream late" }))
    .json();
  assert.deepEqual(paused.paused, { at: at("2026-06-01T00:00:00Z"), reason: "upstream late" });
  c.set("2026-06-02T06:00:01Z");
  assert.equal(await t.core.schedules.fireDue(), 0);
  // Resumed, it goes on from now: 2 June 06:00 passed while paused.
  c.set("2026-06-02T07:00:00Z");
  const resumed = await (await post("/api/schedules/daily/resume")).json();
  assert.equal(resumed.paused, null);
  assert.equal(new Date(resumed.nextTimes[0]).toISOString(), "2026-06-03T06:00:00.000Z");
  // Trigger now: a run for the nominal time now.
  const fired = await (await post("/api/schedules/daily/trigger")).json();
  assert.equal(fired.outcome, "fired");
  assert.deepEqual((await runsOf(t, "daily")).map((r) => r.at), ["2026-06-02T07:00:00.000Z"]);
  // The name is taken; bad timings and parameters name their field.
  const refused = async (body: Record<string, unknown>) => {
    const res = await t.app.request("/api/schedules", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ family: "Load", timeParams: { day: "date" }, ...body }),
    });
    const json = await res.json();
    return [res.status, json.code, json.field];
  };
  assert.deepEqual(await refused({ name: "daily", cron: "0 6 * * *" }), [
    409,
    "schedule_exists",
    "name",
  ]);
  assert.deepEqual(await refused({ name: "x", cron: "0 25 * * *" }), [
    400,
    "invalid_schedule",
    "cron",
  ]);
  assert.deepEqual(await refused({ name: "x", cron: "0 6 * * *", zone: "Moon/Base" }), [
    400,
    "invalid_schedule",
    "zone",
  ]);
  assert.deepEqual(await refused({ name: "x", cron: "0 6 * * *", timeParams: {} }), [
    400,
    "invalid_params",
    "params",
  ]);
  assert.deepEqual(await refused({ name: "x", cron: "0 6 * * *", family: "Nope" }), [
    400,
    "unknown_family",
    "family",
  ]);
  assert.equal((await t.app.request("/api/schedules/daily", { method: "DELETE" })).status, 200);
  assert.equal((await t.app.request("/api/schedules/daily")).status, 404);
  // Its run stays.
  assert.equal(
    (await t.core.read((db) => db.all(sql`SELECT id FROM runs WHERE schedule_id IS NOT NULL`)))
      .length,
    1,
  );
});
