import assert from "node:assert/strict";
import { testApp } from "../test_app.ts";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { defineTask } from "../../shared/task.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date(), table: z.string().regex(/^[a-z]+$/).default("orders") }),
  run: async () => {},
});
const Copy = defineTask({
  family: "Copy",
  params: z.object({ from: z.iso.date(), to: z.iso.date() }),
  run: async () => {},
});
const Count = defineTask({
  family: "Count",
  params: z.object({ n: z.int() }),
  run: async () => {},
});

async function setup() {
  const t = await testApp([Load, Copy, Count]);
  const { app, core } = t;
  const post = async (body: unknown) => {
    const res = await app.request("/api/backfills", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: await res.json() };
  };
  // Through the hub's own operation, so the run's state follows as it would for a real run.
  const markDone = (id: string) => core.runs.markDone(id, "test", null);
  return {
    core,
    post,
    get,
    markDone,
    [Symbol.asyncDispose]: () => t[Symbol.asyncDispose](),
  };
}

Deno.test("POST /api/backfills submits one run per day up to maxConcurrent and skips complete days", async (t) => {
  await using h = await setup();
  const done = Load.of({ day: "2026-11-02", table: "refunds" }).id;
  await h.core.queue.write((tx) =>
    tx.run(sql`INSERT INTO tasks (id, family, version, params, state, kind, created_at, updated_at)
      VALUES (${done}, 'Load', 1, '{}', 'done', 'run', 0, 0)`)
  );
  const created = await h.post({
    family: "Load",
    from: "2026-11-01",
    to: "2026-11-05",
    params: { table: "refunds" },
    maxConcurrent: 2,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.body.backfillId, /^bf_\w+$/);
  assert.deepEqual(
    { ...created.body, backfillId: "" },
    { backfillId: "", days: 5, skipped: 1, submitted: 2 },
  );
  const path = `/api/backfills/${created.body.backfillId}`;

  await t.step("each run has the day's params and the id a worker computes", async () => {
    const { body } = await h.get(path);
    assert.deepEqual(
      body.runs.map((r: { date: string; taskId: string; state: string }) => [r.date, r.taskId]),
      [
        ["2026-11-01", Load.of({ day: "2026-11-01", table: "refunds" }).id],
        ["2026-11-03", Load.of({ day: "2026-11-03", table: "refunds" }).id],
      ],
    );
    assert.deepEqual(
      [body.param, body.from, body.to, body.maxConcurrent, body.state, body.pending],
      ["day", "2026-11-01", "2026-11-05", 2, "running", 2],
    );
  });

  await t.step("the next days start as runs end, and the backfill ends done", async () => {
    for (const d of ["2026-11-01", "2026-11-03"]) {
      await h.markDone(Load.of({ day: d, table: "refunds" }).id);
    }
    assert.equal(await h.core.runs.advanceBackfills(), 2);
    for (const d of ["2026-11-04", "2026-11-05"]) {
      await h.markDone(Load.of({ day: d, table: "refunds" }).id);
    }
    const { body } = await h.get(path);
    assert.deepEqual(
      [body.state, body.days, body.skipped, body.submitted, body.done, body.failed, body.running],
      ["done", 5, 1, 4, 4, 0, 0],
    );
  });

  await t.step("GET /api/backfills lists it, most recent first", async () => {
    const second = await h.post({ family: "Load", from: "2026-12-01", to: "2026-12-01" });
    const { body } = await h.get("/api/backfills");
    assert.deepEqual(
      body.backfills.map((b: { backfillId: string }) => b.backfillId),
      [second.body.backfillId, created.body.backfillId],
    );
    assert.equal(body.backfills[0].runs, undefined);
  });
});

Deno.test("POST /api/backfills answers 400 naming what is wrong", async () => {
  await using h = await setup();
  const cases: Array<[unknown, string, string, RegExp]> = [
    [
      { family: "Nope", from: "2026-11-01", to: "2026-11-02" },
      "unknown_family",
      "family",
      /^Unknown task family "Nope": no worker has advertised it \(known: /,
    ],
    [
      { family: "Load", from: "2026-12-05", to: "2026-12-01" },
      "invalid_range",
      "to",
      /^Invalid date range: "from" 2026-12-05 is after "to" 2026-12-01$/,
    ],
    [
      { family: "Load", from: "2010-01-01", to: "2026-01-01" },
      "invalid_range",
      "from",
      /over the limit of 3660$/,
    ],
    [
      { family: "Load", from: "2026-02-30", to: "2026-03-01" },
      "invalid_body",
      "from",
      /^Invalid field "from"/,
    ],
    [
      { family: "Count", from: "2026-11-01", to: "2026-11-02" },
      "invalid_param",
      "param",
      /no parameter with "format": "date"; give param/,
    ],
    [
      { family: "Copy", from: "2026-11-01", to: "2026-11-02" },
      "invalid_param",
      "param",
      /several date parameters \(from, to\); give param/,
    ],
    [
      { family: "Load", from: "2026-11-01", to: "2026-11-02", param: "when" },
      "invalid_param",
      "param",
      /^Unknown parameter "when" for Load/,
    ],
    [
      { family: "Load", from: "2026-11-01", to: "2026-11-02", params: { table: "NO" } },
      "invalid_params",
      "params.table",
      /^Invalid parameters for Load: .*\(for day 2026-11-01\)$/,
    ],
    [
      { family: "Load", from: "2026-11-01", to: "2026-11-02", params: { day: "2026-01-01" } },
      "invalid_params",
      "params.day",
      /^Parameter "day" takes each date of the backfill; leave it out of params$/,
    ],
    [
      { family: "Load", from: "2026-11-01", to: "2026-11-02", maxConcurrent: 0 },
      "invalid_body",
      "maxConcurrent",
      /^Invalid field "maxConcurrent"/,
    ],
  ];
  for (const [body, code, field, message] of cases) {
    const res = await h.post(body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.code, code, JSON.stringify(res.body));
    assert.equal(res.body.field, field, JSON.stringify(res.body));
    assert.match(res.body.detail, message);
  }
  const list = await h.get("/api/backfills");
  assert.deepEqual(list.body.backfills, [], "nothing was created");
});

Deno.test("POST /api/backfills over a date parameter named explicitly", async () => {
  await using h = await setup();
  const res = await h.post({
    family: "Copy",
    from: "2026-11-01",
    to: "2026-11-03",
    param: "to",
    params: { from: "2026-01-01" },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.submitted, 3, "no limit: every day at once");
  const { body } = await h.get(`/api/backfills/${res.body.backfillId}`);
  assert.equal(body.runs[2].taskId, Copy.of({ from: "2026-01-01", to: "2026-11-03" }).id);
});

Deno.test("GET /api/backfills/:id answers 404 for a backfill that does not exist", async () => {
  await using h = await setup();
  const res = await h.get("/api/backfills/bf_missing");
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, {
    type: "urn:drover:problem:backfill_not_found",
    title: "Not found",
    status: 404,
    code: "backfill_not_found",
    detail: 'Backfill "bf_missing" does not exist',
  });
});
