import assert from "node:assert/strict";
import { silentLogger } from "../../shared/log.ts";
import { createHubApp } from "../app.ts";
import { HubCore } from "../core/hub_core.ts";
import { openDatabase } from "../db/client.ts";
import { testApp } from "../test_app.ts";

Deno.test("GET /metrics answers a viewer in Prometheus' text format, counting requests by route template", async () => {
  await using t = await testApp([]);
  const viewer = { authorization: `Bearer ${await t.token("viewer")}` };
  assert.equal((await t.raw.request("/api/runs/run_nope", { headers: viewer })).status, 404);
  assert.equal((await t.raw.request("/no/such/route")).status, 404);
  const res = await t.raw.request("/metrics", { headers: viewer });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(
    text,
    /^drover_http_requests_total\{method="GET",route="\/api\/runs\/\{id\}",status="404"\} 1$/m,
  );
  assert.match(
    text,
    /^drover_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m,
  );
  assert.doesNotMatch(text, /run_nope/, "never a raw path or an id as a label");
  assert.match(text, /^drover_workers_connected\{region="none",state="ready"\} 1$/m);
  assert.match(text, /^drover_db_commits_total [1-9]\d*$/m);
  assert.equal((await t.raw.request("/metrics")).status, 401, "never open by accident");
});

Deno.test("with metrics off, GET /metrics is a 404 that says so", async () => {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  const core = new HubCore({
    database,
    hubId: "h",
    hubUrl: () => "http://x",
    leaseTtlMs: 1_000,
    log: silentLogger,
  });
  try {
    const { app } = createHubApp({ core, log: silentLogger });
    const { token } = await core.fleet.createToken({ role: "admin", scope: {}, name: "a" });
    const res = await app.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 404);
    const problem = await res.json();
    assert.equal(problem.code, "metrics_off");
    assert.match(problem.detail, /DROVER_METRICS=off/);
    assert.equal(core.metrics.enabled, false);
  } finally {
    await core.dispatcher.stop();
    await core.queue.close();
    database.close();
  }
});
