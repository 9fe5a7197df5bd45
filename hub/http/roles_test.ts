/**
 * Every route, for every role: exactly the allowed roles succeed (and their
 * answers match the documented schema); the others get 401 or 403 and the
 * database is left exactly as it was; each mutating call leaves one audit
 * entry. The table below is written out by hand, apart from the routes, so
 * that a route whose roles change, or a new route, fails here until the
 * table says so.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { defineTask } from "../../shared/task.ts";
import { type TestApp, testApp } from "../test_app.ts";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date() }),
  run: async () => {},
});

type Caller = TokenRole | "anonymous" | "unknown token";
const CALLERS: readonly Caller[] = [
  "admin",
  "operator",
  "viewer",
  "worker",
  "anonymous",
  "unknown token",
];

const EVERYONE = ["admin", "operator", "viewer", "worker", "anonymous", "unknown token"] as const;
const READERS = ["admin", "operator", "viewer"] as const;
const OPERATORS = ["admin", "operator"] as const;
const ADMINS = ["admin"] as const;
const AUDITORS = ["admin", "viewer"] as const;

/** A request that succeeds for an allowed caller, built on a fresh app. */
interface Case {
  allowed: readonly Caller[];
  prepare?: (t: TestApp) => Promise<{ path?: string; body?: unknown }>;
  body?: unknown;
}

const submit = async (t: TestApp, day = "2026-11-23") => {
  const res = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ family: "Load", params: { day } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json() as { runId: string; taskId: string };
};

/** The path `/api/tasks/<id><suffix>` of a freshly submitted task. */
const submittedTask = (suffix: string) => async (t: TestApp) => ({
  path: `/api/tasks/${(await submit(t)).taskId}${suffix}`,
});

const cancelled = async (t: TestApp) => {
  const run = await submit(t);
  await t.core.runs.cancelTask(run.taskId, "test");
  return run;
};

const TABLE: Record<string, Case> = {
  "GET /healthz": { allowed: EVERYONE },
  "GET /readyz": { allowed: EVERYONE },
  "GET /api/openapi.json": { allowed: EVERYONE },
  "GET /api/docs": { allowed: EVERYONE },
  "POST /api/runs": { allowed: OPERATORS, body: { family: "Load", params: { day: "2026-11-23" } } },
  "GET /api/runs": { allowed: READERS },
  "GET /api/runs/{id}": {
    allowed: READERS,
    prepare: async (t) => ({ path: `/api/runs/${(await submit(t)).runId}` }),
  },
  "POST /api/runs/{id}/cancel": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: `/api/runs/${(await submit(t)).runId}/cancel` }),
  },
  "POST /api/runs/{id}/retry": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: `/api/runs/${(await cancelled(t)).runId}/retry` }),
  },
  "POST /api/backfills": {
    allowed: OPERATORS,
    body: { family: "Load", from: "2026-11-01", to: "2026-11-03" },
  },
  "GET /api/backfills": { allowed: READERS },
  "GET /api/backfills/{id}": {
    allowed: READERS,
    prepare: async (t) => {
      const res = await t.app.request("/api/backfills", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ family: "Load", from: "2026-11-01", to: "2026-11-02" }),
      });
      return { path: `/api/backfills/${(await res.json()).backfillId}` };
    },
  },
  "GET /api/tasks": { allowed: READERS },
  "GET /api/tasks/{id}": { allowed: READERS, prepare: submittedTask("") },
  "GET /api/tasks/{id}/logs": { allowed: READERS, prepare: submittedTask("/logs") },
  "POST /api/tasks/{id}/cancel": { allowed: OPERATORS, prepare: submittedTask("/cancel") },
  "POST /api/tasks/{id}/retry": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: `/api/tasks/${(await cancelled(t)).taskId}/retry` }),
  },
  "POST /api/tasks/{id}/done": {
    allowed: OPERATORS,
    prepare: async (t) => ({
      path: `/api/tasks/${(await submit(t)).taskId}/done`,
      body: { reason: "loaded by hand" },
    }),
  },
  "GET /api/families": { allowed: READERS },
  "GET /api/families/{name}": { allowed: READERS, prepare: () => path("/api/families/Load") },
  "POST /api/families/{name}/enable": {
    allowed: OPERATORS,
    prepare: () => path("/api/families/Load/enable"),
  },
  "GET /api/workers": { allowed: READERS },
  "POST /api/workers/{worker}/cordon": {
    allowed: OPERATORS,
    prepare: () => path("/api/workers/w/cordon"),
  },
  "POST /api/workers/{worker}/uncordon": {
    allowed: OPERATORS,
    prepare: () => path("/api/workers/w/uncordon"),
  },
  "POST /api/workers/{worker}/drain": {
    allowed: OPERATORS,
    prepare: () => path("/api/workers/w/drain"),
  },
  "GET /api/resources": { allowed: READERS },
  "PUT /api/resources/{name}": {
    allowed: ADMINS,
    prepare: () => path("/api/resources/bigquery", { limit: 3 }),
  },
  "GET /api/pauses": { allowed: READERS },
  "PUT /api/pauses/{kind}/{value}": {
    allowed: OPERATORS,
    prepare: () => path("/api/pauses/region/eu-west", { reason: "maintenance" }),
  },
  "DELETE /api/pauses/{kind}/{value}": {
    allowed: OPERATORS,
    prepare: async (t) => {
      await t.core.fleet.pause("family", "Load", null, null);
      return { path: "/api/pauses/family/Load" };
    },
  },
  "GET /api/queue": { allowed: READERS },
  "POST /api/tokens": { allowed: ADMINS, body: { role: "viewer", name: "auditor" } },
  "GET /api/tokens": { allowed: READERS },
  "DELETE /api/tokens/{id}": {
    allowed: ADMINS,
    prepare: async (t) => {
      const res = await t.app.request("/api/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: "worker" }),
      });
      return { path: `/api/tokens/${(await res.json()).id}` };
    },
  },
  "GET /api/audit": { allowed: AUDITORS },
};

function path(p: string, body?: unknown) {
  return Promise.resolve({ path: p, body });
}

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
        const headers = new Headers();
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
        const text = await res.text();
        const what = `${route} as ${caller}: ${res.status} ${text.slice(0, 300)}`;
        if (c.allowed.includes(caller)) {
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
