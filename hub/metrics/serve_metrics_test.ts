import assert from "node:assert/strict";
import { silentLogger } from "../../shared/log.ts";
import { testDatabase } from "../ops/test_db.ts";
import { PrometheusMetrics } from "./prometheus_metrics.ts";
import { serveMetrics } from "./serve_metrics.ts";

Deno.test("serveMetrics() serves GET /metrics without a token, and nothing else", async () => {
  await using db = await testDatabase();
  const metrics = new PrometheusMetrics({
    read: (fn) => db.queue.read(fn),
    links: () => [],
    pendingWrites: () => 0,
    triggers: () => [],
    now: () => 0,
  });
  metrics.heartbeat(5_000);
  const listener = await serveMetrics({ host: "127.0.0.1", port: 0 }, metrics, silentLogger);
  try {
    const res = await fetch(listener.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /^drover_hub_heartbeat_timestamp_seconds 5$/m);
    const other = await fetch(listener.url.replace("/metrics", "/api/runs"));
    assert.equal(other.status, 404);
    await other.body?.cancel();
    const post = await fetch(listener.url, { method: "POST" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await listener.shutdown();
  }
});
