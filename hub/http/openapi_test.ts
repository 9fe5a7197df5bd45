import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { testApp } from "../test_app.ts";

Deno.test("the OpenAPI document at /api/openapi.json validates as OpenAPI 3.1", async () => {
  await using t = await testApp([]);
  const res = await t.raw.request("/api/openapi.json");
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.openapi, "3.1.0");
  const result = await new Validator().validate(doc);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
});

Deno.test("every route the app serves is in the OpenAPI document, and nothing else", async () => {
  await using t = await testApp([]);
  const doc = await (await t.raw.request("/api/openapi.json")).json();
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  // Hono's own routing table, not the router's declarations; the web UI's pages are not API.
  const served = t.raw.routes
    .filter((r) => r.method !== "ALL" && r.path !== "/" && !/^\/ui(\/|$)/.test(r.path))
    .map((r) => `${r.method} ${r.path.replaceAll(/:(\w+)/g, "{$1}")}`)
    .sort();
  assert.deepEqual(documented, [...new Set(served)]);
  assert.ok(documented.length >= 30, `${documented.length} operations`);
});

Deno.test("each operation names its roles, its errors as problem+json, and its audit action", async () => {
  await using t = await testApp([]);
  const doc = await (await t.raw.request("/api/openapi.json")).json();
  // deno-lint-ignore no-explicit-any
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.summary, `${where} has no summary`);
      assert.ok(Array.isArray(op["x-drover-roles"]), `${where} has no roles`);
      if (op["x-drover-roles"].length > 0) {
        assert.deepEqual(op.security, [{ bearer: [] }], where);
        for (const status of ["401", "403"]) {
          assert.ok(op.responses[status]?.content?.["application/problem+json"], where);
        }
      } else {
        assert.deepEqual(op.security, [], `${where} is public`);
      }
      if (method !== "get") assert.match(op["x-drover-audit"] ?? "", /^\w+\.\w+$/, where);
    }
  }
  assert.ok(doc.components.securitySchemes.bearer);
});

Deno.test("/api/docs is a self-contained page that renders the document", async () => {
  await using t = await testApp([]);
  const res = await t.raw.request("/api/docs");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  assert.match(html, /fetch\("\/api\/openapi\.json"\)/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="http/, "no CDN: it works offline");
});
