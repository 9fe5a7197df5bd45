/**
 * A real Prometheus (Debian's binary, on loopback, scraping every second
 * with a viewer token from a file) against a real hub and worker during a
 * run: it loads the shipped alert rules, scrapes the hub, and finds the
 * tasks the run completed. Without prometheus installed this fails, saying
 * how to install it.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { type PrometheusProcess, spawnPrometheus } from "../testing/spawn_prometheus.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

const ALERTS = new URL("../deploy/prometheus/alerts.yml", import.meta.url).pathname;

/** The single value of an instant query, or undefined while it has none. */
async function scalar(prometheus: PrometheusProcess, expr: string): Promise<number | undefined> {
  const [first] = await prometheus.query(expr);
  return first ? Number(first.value[1]) : undefined;
}

Deno.test("a real Prometheus scrapes a hub during a run and finds the tasks the run completed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-prometheus-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir), leaseTtlMs: 3_000 });
    await using _worker = await spawnWorker({
      hub,
      entry: "tests/fixtures/worker.ts",
      labels: "region=eu-west",
      dataDir: `${dir}/data`,
      stateDir: `${dir}/worker`,
    });
    const viewer = await hub.api.request<{ token: string }>("/api/tokens", {
      body: { role: "viewer", name: "prometheus" },
    });
    assert.equal(viewer.status, 201);
    const tokenFile = `${dir}/drover-token`;
    await Deno.writeTextFile(tokenFile, `${viewer.body.token}\n`);
    await Deno.mkdir(`${dir}/prometheus`);
    await using prometheus = await spawnPrometheus({
      dir: `${dir}/prometheus`,
      targets: [new URL(hub.url).host],
      tokenFile,
      ruleFiles: [ALERTS],
    });
    // Scraped with the token before the run starts.
    await pollUntil(
      "Prometheus to scrape the hub",
      async () => (await scalar(prometheus, 'up{job="drover-hub"}')) === 1 ? true : undefined,
      {
        timeoutMs: 30_000,
        everyMs: 250,
      },
    );

    const { runId } = await hub.api.submit("AggregateShards", { totalShards: 5 });
    const run = await waitForRun(hub.api, runId);
    assert.equal(run.state, "done");
    const done = run.counts.done!;
    assert.equal(done, 6);

    const seen = await pollUntil(
      `Prometheus to see the run's ${done} tasks done`,
      async () => {
        const n = await scalar(prometheus, 'sum(drover_task_outcomes_total{outcome="done"})');
        return n === done ? n : undefined;
      },
      { timeoutMs: 30_000, everyMs: 250 },
    );
    assert.equal(seen, done);
    assert.equal(
      await scalar(
        prometheus,
        'sum(drover_task_outcomes_total{family="ProcessShard",outcome="done"})',
      ),
      5,
    );
    const waits = await prometheus.query("sum by (region) (drover_task_queued_seconds_count)");
    assert.deepEqual(waits.map((s) => s.metric.region), ["eu-west"]);

    const rules = await prometheus.api<{ groups: { rules: { name: string; health: string }[] }[] }>(
      "/api/v1/rules",
    );
    const loaded = rules.groups.flatMap((g) => g.rules);
    assert.ok(loaded.length >= 8, `${loaded.length} rules loaded`);
    assert.deepEqual(loaded.filter((r) => r.health === "err").map((r) => r.name), []);
    const firing = await prometheus.query('ALERTS{alertstate="firing"}');
    assert.deepEqual(firing.map((s) => s.metric.alertname), [], "a healthy hub pages nobody");
  } finally {
    await removeTree(dir);
  }
});
