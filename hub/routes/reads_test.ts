import assert from "node:assert/strict";
import { testPostgresServer } from "../db/test_database.ts";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { defineTask } from "../../shared/task.ts";
import { type TestApp, testApp } from "../test_app.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date() }),
  run: async () => {},
});

async function submit(t: TestApp, day: string): Promise<{ runId: string; taskId: string }> {
  const res = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ family: "Load", params: { day } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json();
}

/** Every row of every table, every column. */
async function snapshot(t: TestApp): Promise<string> {
  return await t.core.read(async (db) => {
    const tables = await db.all<{ name: string }>(
      testPostgresServer()
        ? sql`SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
        : sql`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`,
    );
    const out: Record<string, unknown> = {};
    for (const { name } of tables) {
      out[name] = await db.all(sql.raw(`SELECT * FROM "${name}" ORDER BY rowid`));
    }
    return JSON.stringify(out);
  });
}

Deno.test("no GET writes: every GET route answers and the database is byte for byte the same", async () => {
  await using t = await testApp([Load]);
  const run = await submit(t, "2026-11-01");
  const cancelled = await submit(t, "2026-11-02");
  await t.core.runs.cancelRun(cancelled.runId, "test");
  const backfill = await t.core.runs.backfill({
    family: "Load",
    from: "2026-11-03",
    to: "2026-11-04",
    params: {},
  });
  await t.core.fleet.pause("region", "eu-west", "test", null);
  await t.core.schedules.create({
    name: "nightly",
    family: "Load",
    params: {},
    timeParams: { day: "date" },
    cron: "0 3 * * *",
    zone: "UTC",
    catchUp: { mode: "latest" },
    overlap: "skip",
    jitterMs: 0,
    priority: 0,
    createdBy: null,
  });
  await t.core.triggers.create({
    name: "orders",
    source: {
      kind: "jetstream",
      servers: ["127.0.0.1:1"],
      stream: "ORDERS",
      deliver: "new",
      ackWaitMs: 30_000,
      batch: 100,
    },
    family: "Load",
    params: {},
    mapping: { day: "/day" },
    priority: 0,
    paused: true,
    createdBy: null,
  });
  const viewer = await t.token("viewer");
  await t.core.flushTokenUses();
  const before = await snapshot(t);
  const paths: Record<string, string> = {
    "/api/runs/{id}": `/api/runs/${cancelled.runId}`,
    "/api/runs/{id}/graph": `/api/runs/${cancelled.runId}/graph`,
    "/api/runs/{id}/timeline": `/api/runs/${cancelled.runId}/timeline`,
    "/api/tasks/{id}": `/api/tasks/${run.taskId}`,
    "/api/tasks/{id}/logs": `/api/tasks/${run.taskId}/logs`,
    "/api/backfills/{id}": `/api/backfills/${backfill.backfillId}`,
    "/api/families/{name}": "/api/families/Load",
    "/api/schedules/{name}": "/api/schedules/nightly",
    "/api/triggers/{name}": "/api/triggers/orders",
  };
  const gets = t.api.specs.filter((s) => s.method === "get" && s.path !== "/ws/worker");
  assert.ok(gets.length >= 15, `${gets.length} GET routes`);
  for (const spec of gets) {
    const path = paths[spec.path] ?? spec.path;
    assert.doesNotMatch(path, /\{/, `no sample id for ${spec.path}`);
    const res = await t.app.request(path, { headers: { authorization: `Bearer ${viewer}` } });
    // Read the body only to report a failure: an event stream never ends.
    if (res.status !== 200) assert.fail(`${path}: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
  }
  assert.equal(await snapshot(t), before);
});

Deno.test("a token's use is noted when it authenticates and written by the next flush", async () => {
  await using t = await testApp([Load]);
  const viewer = await t.token("viewer");
  const lastUsed = () =>
    t.core.read((db) =>
      db.all<{ last_used_at: number | null }>(
        sql`SELECT last_used_at FROM tokens WHERE name = 'test viewer'`,
      )
    );
  const asViewer = { headers: { authorization: `Bearer ${viewer}` } };
  const before = Date.now();
  assert.equal((await t.app.request("/api/runs", asViewer)).status, 200);
  assert.deepEqual(await lastUsed(), [{ last_used_at: null }], "the request itself wrote nothing");
  await t.core.flushTokenUses();
  const [written] = await lastUsed();
  assert.ok(written!.last_used_at! >= before, "the flush wrote when it was used");
  assert.equal((await t.app.request("/api/runs", asViewer)).status, 200);
  assert.equal(t.core.tokenUses.take().size, 0, "a use within the minute is not written again");
});

Deno.test("GET /api/runs pages newest first; next only when more runs follow; state filters", async () => {
  await using t = await testApp([Load]);
  const days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"];
  const ids: string[] = [];
  for (const day of days) ids.push((await submit(t, day)).runId);
  await t.core.runs.cancelRun(ids[1]!, "test");
  const page = async (query: string) =>
    await (await t.app.request(`/api/runs?${query}`)).json() as {
      runs: Array<{ runId: string; state: string }>;
      next: string | null;
    };
  const first = await page("limit=3");
  assert.equal(first.runs.length, 3);
  assert.ok(first.next);
  const second = await page(`limit=3&cursor=${first.next}`);
  assert.deepEqual(second.runs.length, 1);
  assert.equal(second.next, null, "the last page has no next");
  const seen = [...first.runs, ...second.runs].map((r) => r.runId);
  assert.deepEqual(new Set(seen), new Set(ids));
  assert.equal((await page("limit=2&cursor=" + (await page("limit=2")).next)).next, null);
  const cancelled = await page("state=cancelled");
  assert.deepEqual(cancelled.runs.map((r) => [r.runId, r.state]), [[ids[1], "cancelled"]]);
  const bad = await t.app.request("/api/runs?cursor=nope");
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, "cursor");
});

Deno.test("a body over 1 MiB is refused by its bytes, not its characters, and audited", async () => {
  await using t = await testApp([Load]);
  // 600,000 characters, 1,200,000 bytes of UTF-8.
  const body = JSON.stringify({ family: "Load", params: { day: "é".repeat(600_000) } });
  const sized = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  assert.equal(sized.status, 413);
  assert.equal((await sized.json()).code, "body_too_large");
  const bytes = new TextEncoder().encode(body);
  const streamed = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) {
          controller.enqueue(bytes.slice(i, i + 64 * 1024));
        }
        controller.close();
      },
    }),
    duplex: "half",
  } as RequestInit);
  assert.equal(streamed.status, 413, "a body without a length is counted as it arrives");
  assert.equal((await streamed.json()).code, "body_too_large");
  const audit = await (await t.app.request("/api/audit?action=run.submit")).json();
  assert.deepEqual(
    audit.entries.map((e: { status: number; detail: { code?: string } }) => [
      e.status,
      e.detail.code,
    ]),
    [[413, "body_too_large"], [413, "body_too_large"]],
  );
});

Deno.test("a worker token's use is noted when its worker says hello and renews, written by the flush", async () => {
  await using t = await testApp([Load]);
  const { info } = await t.core.fleet.createToken({ role: "worker", scope: {}, name: "edge" });
  const link = {
    workerId: "w_edge",
    name: "edge",
    labels: {},
    families: [],
    free: 0,
    grantsSent: 0,
    tokenId: info.id,
    send: () => true,
    close: () => {},
  };
  const hello = {
    type: "hello" as const,
    protocol: 1,
    workerId: "w_edge",
    name: "edge",
    version: "t",
    labels: {},
    slots: 1,
    families: [],
    leases: [],
  };
  await t.core.workers.hello(link, hello);
  await t.core.flushTokenUses();
  const listed = await (await t.app.request("/api/tokens")).json();
  const edge = listed.tokens.find((k: { id: string }) => k.id === info.id);
  assert.equal(typeof edge.lastUsedAt, "number", "drover token list shows when it was used");
});

Deno.test("GET /api/families shows a family's pin as a selector: {} for any worker", async () => {
  const Pinned = defineTask({
    family: "Pinned",
    params: z.object({}),
    pin: { region: "eu-west" },
    run: async () => {},
  });
  await using t = await testApp([Load, Pinned]);
  const { families } = await (await t.app.request("/api/families")).json();
  assert.deepEqual(
    families.map((f: { name: string; pin: unknown }) => [f.name, f.pin]),
    [["Load", {}], ["Pinned", { region: "eu-west" }]],
  );
  const one = await (await t.app.request("/api/families/Load")).json();
  assert.deepEqual(one.pin, {});
});
