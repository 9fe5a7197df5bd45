import assert from "node:assert/strict";
import { testApp } from "./test_app.ts";
import { z } from "zod";
import { defineTask } from "../shared/task.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date(), limit: z.int().min(1).default(10) }),
  run: async () => {},
});

async function setup() {
  const t = await testApp([Load]);
  const { app, database } = t;
  const post = (body: unknown, type = "application/json") =>
    app.request("/api/runs", {
      method: "POST",
      headers: { "content-type": type },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    app,
    post,
    database,
    [Symbol.asyncDispose]: () => t[Symbol.asyncDispose](),
  };
}

Deno.test("POST /api/runs validates params against the family's schema and applies defaults", async () => {
  await using h = await setup();
  const res = await h.post({ family: "Load", params: { day: "2026-11-23" } });
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(
    body.taskId,
    Load.of({ day: "2026-11-23" }).id,
    "hub and worker compute the same id",
  );
  const task = await (await h.app.request(`/api/tasks/${body.taskId}`)).json();
  assert.deepEqual(task.params, { day: "2026-11-23", limit: 10 });
});

Deno.test("POST /api/runs answers 400 naming the bad field", async (t) => {
  await using h = await setup();
  const cases: Array<[string, unknown, string, string]> = [
    [
      "a bad parameter",
      { family: "Load", params: { day: "2026-02-30" } },
      "invalid_params",
      "params.day",
    ],
    [
      "a parameter of the wrong type",
      { family: "Load", params: { day: "2026-11-01", limit: "x" } },
      "invalid_params",
      "params.limit",
    ],
    [
      "an unknown parameter",
      { family: "Load", params: { day: "2026-11-01", dya: 1 } },
      "invalid_params",
      "params.dya",
    ],
    ["a missing family", { params: {} }, "invalid_body", "family"],
    ["an unknown family", { family: "Nope" }, "unknown_family", "family"],
    ["an unknown body field", { family: "Load", params: {}, extra: 1 }, "invalid_body", "(body)"],
  ];
  for (const [name, body, code, field] of cases) {
    await t.step(name, async () => {
      const res = await h.post(body);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      const problem = await res.json();
      assert.equal(problem.code, code);
      assert.equal(problem.type, `urn:drover:problem:${code}`);
      assert.equal(problem.status, 400);
      assert.equal(problem.field, field, problem.detail);
    });
  }
  await t.step("malformed JSON", async () => {
    const res = await h.post("{nope");
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, "bad_json");
  });
  await t.step("a body that is not JSON", async () => {
    const res = await h.post("family=Load", "application/x-www-form-urlencoded");
    assert.equal(res.status, 415);
  });
});

Deno.test("unknown runs, tasks and routes are 404 with a code; a bad filter is 400", async () => {
  await using h = await setup();
  assert.equal(
    (await (await h.app.request("/api/runs/run_nope")).json()).code,
    "run_not_found",
  );
  assert.equal((await h.app.request("/api/tasks/nope")).status, 404);
  assert.equal((await h.app.request("/api/nothing")).status, 404);
  const bad = await h.app.request("/api/tasks?state=sleeping");
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, "state");
});

Deno.test("GET /healthz and /readyz answer while the database does", async () => {
  await using h = await setup();
  assert.deepEqual(await (await h.app.request("/healthz")).json(), { ok: true, hubId: "h" });
  const ready = await h.app.request("/readyz");
  assert.equal(ready.status, 200);
  assert.equal((await ready.json()).ok, true);
});

Deno.test("GET /api/tasks pages with a cursor: every task once, in id order", async () => {
  await using h = await setup();
  for (const day of ["2026-11-01", "2026-11-02", "2026-11-03"]) {
    assert.equal((await h.post({ family: "Load", params: { day } })).status, 201);
  }
  const seen: string[] = [];
  let after = "";
  for (let page = 0; page < 5; page++) {
    const res = await (await h.app.request(`/api/tasks?limit=2${after ? `&after=${after}` : ""}`))
      .json();
    seen.push(...res.tasks.map((t: { id: string }) => t.id));
    if (!res.next) break;
    after = res.next;
  }
  assert.equal(seen.length, 3);
  assert.deepEqual(seen, [...seen].sort());
});

Deno.test("GET /readyz answers 503 with a code when the database does not answer", async () => {
  await using h = await setup();
  h.database.close();
  const res = await h.app.request("/readyz");
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.equal(body.code, "database_unavailable");
  assert.match(body.detail, /cannot reach its database/);
  assert.equal((await h.app.request("/healthz")).status, 200, "the process itself is alive");
});
