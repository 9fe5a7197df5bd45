/**
 * Every route, for every role: exactly the allowed roles succeed (and their
 * answers match the documented schema); the others get 401 or 403 and the
 * database is left exactly as it was; each mutating call leaves one audit
 * entry. The table (test_role_table.ts) is written out by hand, apart from the routes, so
 * that a route whose roles change, or a new route, fails here until the
 * table says so.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { type TestApp, testApp } from "../test_app.ts";
import { CALLERS, Load, submit, TABLE } from "./test_role_table.ts";

/** Everything a refused call must leave alone (the audit log aside). */
async function snapshot(t: TestApp): Promise<string> {
  const tables = [
    "tasks",
    "edges",
    "runs",
    "workers",
    "attempts",
    "publications",
    "families",
    "resource_limits",
    "backfills",
    "pauses",
    "schedules",
    "hooks",
    "hook_deliveries",
    "triggers",
    "trigger_deliveries",
  ];
  const out: Record<string, unknown> = {};
  await t.core.read(async (db) => {
    for (const table of tables) {
      out[table] = await db.all(sql.raw(`SELECT * FROM ${table} ORDER BY rowid`));
    }
    out.tokens = await db.all(
      sql`SELECT id, hash, role, scope, name, revoked_at FROM tokens ORDER BY id`,
    );
  });
  return JSON.stringify(out);
}

Deno.test("every route is in the role table, and every row of the table is a route", async () => {
  await using t = await testApp([Load]);
  const declared = t.api.specs
    .filter((s) => s.path !== "/ws/worker")
    .map((s) => `${s.method.toUpperCase()} ${s.path}`);
  assert.deepEqual([...declared].sort(), Object.keys(TABLE).sort());
  for (const spec of t.api.specs) {
    if (spec.method !== "get") assert.ok(spec.audit, `${spec.path} has no audit action`);
  }
});

Deno.test("each route allows exactly its roles: the others get 401 or 403 and change nothing", async (ctx) => {
  for (const [route, c] of Object.entries(TABLE)) {
    const [method, template] = route.split(" ") as [string, string];
    await ctx.step(route, async () => {
      for (const caller of CALLERS) {
        await using t = await testApp([Load]);
        const spec = t.api.specs.find((s) =>
          s.path === template && s.method.toUpperCase() === method
        )!;
        const prepared = c.prepare ? await c.prepare(t) : {};
        const body = prepared.body ?? c.body;
        const headers = new Headers(prepared.headers);
        if (body !== undefined) headers.set("content-type", "application/json");
        if (caller === "unknown token") {
          headers.set("authorization", `Bearer drv_tok_0123456789ab_${"x".repeat(43)}`);
        } else if (caller !== "anonymous") {
          headers.set("authorization", `Bearer ${await t.token(caller)}`);
        }
        const before = await snapshot(t);
        const auditBefore = await auditCount(t);
        const res = await t.raw.request(prepared.path ?? template, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // An event stream never ends: its status and type are its answer.
        const sse = res.headers.get("content-type") === "text/event-stream";
        const text = sse ? (await res.body?.cancel(), "") : await res.text();
        const what = `${route} as ${caller}: ${res.status} ${text.slice(0, 300)}`;
        if (c.allowed.includes(caller) && c.refusedAnyway) {
          // Allowed, and refused for what the fresh app is (not for the role).
          assert.equal(res.status, c.refusedAnyway, what);
        } else if (c.allowed.includes(caller)) {
          assert.ok(res.status >= 200 && res.status < 300, what);
          if (res.headers.get("content-type")?.startsWith("application/json")) {
            const parsed = spec.response.schema!.safeParse(JSON.parse(text));
            assert.ok(parsed.success, `${what}\n${parsed.error?.message}`);
          }
        } else {
          const expected = caller === "anonymous" || caller === "unknown token" ? 401 : 403;
          assert.equal(res.status, expected, what);
          assert.equal(res.headers.get("content-type"), "application/problem+json", what);
          const problem = JSON.parse(text);
          assert.equal(problem.code, expected === 401 ? "unauthorized" : "forbidden", what);
          if (expected === 401) assert.match(res.headers.get("www-authenticate") ?? "", /Bearer/);
          assert.equal(await snapshot(t), before, `${what}: the database changed`);
        }
        const audited = (await auditCount(t)) - auditBefore;
        const expectAudit = spec.audit && !(
          !c.allowed.includes(caller) && (caller === "anonymous" || caller === "unknown token")
        );
        assert.equal(audited, expectAudit ? 1 : 0, `${what}: ${audited} audit entries`);
      }
    });
  }
});

Deno.test("the audit log says who did what to which target, and how it ended", async () => {
  await using t = await testApp([Load]);
  const viewer = await t.token("viewer");
  const run = await submit(t);
  const denied = await t.raw.request(`/api/runs/${run.runId}/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${viewer}` },
  });
  assert.equal(denied.status, 403);
  assert.match((await denied.json()).detail, /viewer token cannot cancel a run.*admin or operator/);
  const missing = await t.app.request("/api/tasks/nope/retry", { method: "POST" });
  assert.equal(missing.status, 404);
  const res = await t.raw.request("/api/audit?limit=10", {
    headers: { authorization: `Bearer ${viewer}` },
  });
  assert.equal(res.status, 200);
  const { entries } = await res.json();
  const summary = entries.map((
    e: Record<string, unknown>,
  ) => [e.action, e.target, e.role, e.outcome, e.status]);
  assert.deepEqual(summary, [
    ["task.retry", "nope", "admin", "failed", 404],
    ["run.cancel", run.runId, "viewer", "denied", 403],
    ["run.submit", run.runId, "admin", "ok", 201],
  ]);
  assert.equal(entries[0].detail.code, "task_not_found");
  assert.equal(entries[1].actor, "test viewer");
  assert.equal(entries[2].detail.family, "Load");
});

async function auditCount(t: TestApp): Promise<number> {
  const [row] = await t.core.read((db) =>
    db.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_log`)
  );
  return row?.n ?? 0;
}
