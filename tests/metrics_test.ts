/**
 * `/metrics` of a real hub process with a real worker: every metric the
 * Grafana dashboard and the alert rules name is exported, the counts agree
 * with what the runs did, labels carry no ids, a token is needed; with
 * `DROVER_METRICS=off` there is nothing, and `DROVER_METRICS_LISTEN` serves
 * metrics without a token.
 */
import assert from "node:assert/strict";
import { freePort } from "../testing/free_port.ts";
import { parseMetrics, sumOf } from "../testing/parse_metrics.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Every `drover_*` metric the dashboard's queries and the alert rules name. */
async function namedMetrics(): Promise<Set<string>> {
  const dashboard = JSON.parse(await Deno.readTextFile(`${ROOT}deploy/grafana/drover.json`));
  const exprs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "expr" || key === "definition") exprs.push(String(value));
        else walk(value);
      }
    }
  };
  walk(dashboard);
  const rules = (await Deno.readTextFile(`${ROOT}deploy/prometheus/alerts.yml`))
    .split("\n").filter((line) => !line.trim().startsWith("#")).join("\n");
  const names = new Set<string>();
  for (const text of [...exprs, rules]) {
    for (const m of text.matchAll(/\bdrover_[a-z0-9_]*[a-z0-9]\b/g)) {
      names.add(m[0].replace(/_(bucket|sum|count)$/, ""));
    }
  }
  return names;
}

Deno.test("a hub exports every metric the dashboard and the alerts name, and its counts agree with its runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-metrics-" });
  const dataDir = `${dir}/data`;
  try {
    // A lease long enough that a loaded machine does not expire one (an
    // expired attempt would be counted as such, not as retried).
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir), leaseTtlMs: 5_000 });
    await using _worker = await spawnWorker({
      hub,
      entry: "tests/fixtures/worker.ts",
      labels: "region=eu-west",
      dataDir,
      stateDir: `${dir}/worker`,
    });
    const submitted = await Promise.all([
      hub.api.submit("AggregateShards", { totalShards: 3 }),
      hub.api.submit("Flaky", { id: "once", failTimes: 1 }),
      hub.api.submit("AlwaysFails", { id: 1 }),
      hub.api.submit("NeedsExternal", { name: "never" }),
    ]);
    const runs = await Promise.all(submitted.map((s) => waitForRun(hub.api, s.runId)));
    assert.deepEqual(runs.map((r) => r.state), ["done", "done", "failed", "failed"]);

    const viewer = await hub.api.request<{ token: string }>("/api/tokens", {
      body: { role: "viewer", name: "prometheus" },
    });
    const scrape = async () => {
      const res = await fetch(`${hub.url}/metrics`, {
        headers: { authorization: `Bearer ${viewer.body.token}` },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      return await res.text();
    };
    // The worker's own figures come with its renewals (every TTL/3).
    const text = await pollUntil("the worker's figures in /metrics", async () => {
      const text = await scrape();
      return /^drover_worker_resident_memory_bytes\{/m.test(text) ? text : undefined;
    });
    const metrics = parseMetrics(text);

    const missing = [...await namedMetrics()].filter((name) => !metrics.types.has(name));
    assert.deepEqual(missing, [], "named by the dashboard or alerts.yml, not exported");

    const counted = (outcome: string, family?: string) =>
      sumOf(metrics, "drover_task_outcomes_total", { outcome, ...(family ? { family } : {}) });
    const total = (state: string) => runs.reduce((n, r) => n + (r.counts[state] ?? 0), 0);
    assert.equal(counted("done"), total("done"), "done: as the runs say");
    assert.equal(counted("failed"), total("failed"), "failed: as the runs say");
    assert.equal(counted("done", "ProcessShard"), 3);
    // Flaky fails its first attempt *number*. A lease the worker hands back
    // unstarted (no free slot: grants can outrun its credit) takes a number
    // too, without a failure (seen under load in CI), so hold the metrics to
    // what the task's attempts were.
    const flakyTask = await hub.api.get<
      { attempts: Array<{ kind: string; attempt: number; outcome: string | null }> }
    >(`/api/tasks/${submitted[1]!.taskId}`);
    const flakyRuns = flakyTask.attempts.filter((a) => a.kind === "run");
    const why = `Flaky's run attempts: ${JSON.stringify(flakyRuns)}`;
    const failedRuns = flakyRuns.filter((a) => a.outcome === "failed").length;
    // Attempt 1 fails if it ran (was not handed back); every later one succeeds.
    const ranFirst = flakyRuns.filter((a) => a.attempt === 1 && a.outcome !== "released").length;
    assert.equal(failedRuns, ranFirst, why);
    assert.ok(
      flakyRuns.every((a) => ["failed", "released", "done"].includes(String(a.outcome))),
      why,
    );
    assert.equal(counted("retried", "Flaky"), failedRuns, why);
    assert.equal(counted("done", "Flaky"), 1);
    assert.equal(counted("failed", "AlwaysFails"), 1);
    assert.equal(counted("failed", "NeverArrives"), 1, "external data missing at its deadline");
    assert.equal(sumOf(metrics, "drover_task_duration_seconds_count"), total("done"));
    // Observed when a run is done or fails for good: AlwaysFails' one attempt, not the external.
    assert.equal(sumOf(metrics, "drover_task_attempts_count"), total("done") + 1);
    assert.equal(
      sumOf(metrics, "drover_task_attempts_sum", { family: "Flaky" }),
      flakyRuns.at(-1)!.attempt,
      why,
    );
    const grants = sumOf(metrics, "drover_lease_grants_total");
    assert.ok(grants >= total("done") + 1, `${grants} grants`);
    assert.equal(
      sumOf(metrics, "drover_task_queued_seconds_count", { region: "eu-west" }),
      grants,
      "each grant's wait is observed under its worker's region",
    );
    assert.equal(sumOf(metrics, "drover_workers_connected", { region: "eu-west" }), 1);
    assert.equal(sumOf(metrics, "drover_slots", { region: "eu-west" }), 4);
    assert.equal(sumOf(metrics, "drover_queue_tasks", { state: "ready" }), 0);
    assert.equal(sumOf(metrics, "drover_family_disabled", { family: "AlwaysFails" }), 0);
    assert.ok(sumOf(metrics, "drover_db_commits_total") > 0);
    assert.ok(sumOf(metrics, "drover_ws_frames_received_total", { type: "task.complete" }) >= 5);
    assert.ok(sumOf(metrics, "drover_ws_frames_received_total", { type: "lease.renew" }) > 0);
    assert.ok(
      sumOf(metrics, "drover_http_requests_total", { route: "/api/runs/{id}", status: "200" }) > 0,
    );
    const heartbeat = sumOf(metrics, "drover_hub_heartbeat_timestamp_seconds");
    assert.ok(Math.abs(heartbeat - Date.now() / 1000) < 60, `heartbeat at ${heartbeat}`);

    // Cardinality: families, regions, worker names, kinds and route templates; never an id.
    for (const s of metrics.samples) {
      for (const value of Object.values(s.labels)) {
        assert.doesNotMatch(value, /_[0-9a-f]{10}$|^run_|^w_|^tok_/, `${s.name} ${value}`);
      }
    }
    const anonymous = await fetch(`${hub.url}/metrics`);
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 401, "never open by accident");
  } finally {
    await removeTree(dir);
  }
});

Deno.test("DROVER_METRICS=off measures nothing; DROVER_METRICS_LISTEN serves /metrics without a token", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-metrics-off-" });
  try {
    {
      await using off = await spawnHub({
        dbUrl: await testDbUrl(dir, "off"),
        env: { DROVER_METRICS: "off" },
      });
      const res = await off.api.request<{ code: string }>("/metrics");
      assert.equal(res.status, 404);
      assert.equal(res.body.code, "metrics_off");
    }
    const port = freePort();
    await using hub = await spawnHub({
      dbUrl: await testDbUrl(dir, "on"),
      env: { DROVER_METRICS_LISTEN: `127.0.0.1:${port}` },
    });
    const line = await hub.waitFor((l) => l.msg === "metrics listening");
    assert.equal(line.url, `http://127.0.0.1:${port}/metrics`);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^drover_build_info\{version="[^"]+",deno="[^"]+"\} 1$/m);
  } finally {
    await removeTree(dir);
  }
});
