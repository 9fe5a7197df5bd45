import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { WorkerLink } from "../core/worker_links.ts";
import { insertTask, testDatabase } from "../ops/test_db.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;
import { PrometheusMetrics } from "./prometheus_metrics.ts";

/** A connected worker as the fleet gauges read it. */
function link(name: string, extra: Partial<WorkerLink> = {}): WorkerLink {
  return {
    workerId: `w_${name}`,
    name,
    labels: { region: "eu-west" },
    families: [],
    slots: 4,
    version: "0.1.0",
    free: 4,
    grantsSent: 0,
    send: () => true,
    close: () => {},
    ...extra,
  };
}

/** Metrics over a test database, with no worker connected and nothing pending. */
function metricsOf(db: TestDb, now: () => number = () => 0): PrometheusMetrics {
  return new PrometheusMetrics({
    read: (fn) => db.queue.read(fn),
    links: () => [],
    pendingWrites: () => 0,
    triggers: () => [],
    now,
  });
}

/** The value of the one sample `line` names (`name{labels}`), or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

Deno.test("PrometheusMetrics exports what the hub reported, by family, region and kind", async () => {
  await using db = await testDatabase();
  const metrics = metricsOf(db, () => 10_000);
  metrics.leasesGranted(
    [{ kind: "run", queuedAt: 9_000 }, { kind: "expand", queuedAt: 10_000 }],
    "eu-west",
    10_000,
  );
  metrics.leasesGranted([{ kind: "run", queuedAt: 0 }], undefined, 10_000);
  metrics.taskPublished({ family: "Load", durationMs: 2_000, attempts: 2 });
  metrics.attemptFailed("Load", "run", "ready", 1);
  metrics.attemptFailed("Load", "run", "failed", 3);
  metrics.leasesExpired([{ family: "Load", kind: "run", state: "ready", attempts: 1 }]);
  metrics.tasksCancelled(["Load", "Load"]);
  metrics.completionRefused("Load");
  metrics.duplicateCompletion();
  metrics.leasesRenewed(5, 1);
  metrics.committed(3, 7);
  metrics.databaseError(Object.assign(new Error("locked"), { code: "SQLITE_BUSY" }));
  metrics.databaseError(new RangeError("not a database error"));
  metrics.busyRetry();
  metrics.frameReceived("lease.renew");
  metrics.frameSent("lease.grant");
  metrics.httpRequest("get", "/api/runs/{id}", 404);
  metrics.httpRequest("BREW", "unmatched", 404);
  metrics.heartbeat(1_700_000_000_000);
  const { contentType, body } = await metrics.scrape();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  const expected: Record<string, number> = {
    'drover_task_outcomes_total{family="Load",outcome="done"}': 1,
    'drover_task_outcomes_total{family="Load",outcome="retried"}': 1,
    'drover_task_outcomes_total{family="Load",outcome="failed"}': 1,
    'drover_task_outcomes_total{family="Load",outcome="expired"}': 1,
    'drover_task_outcomes_total{family="Load",outcome="cancelled"}': 2,
    'drover_task_outcomes_total{family="Load",outcome="refused_stale"}': 1,
    'drover_task_duration_seconds_sum{family="Load"}': 2,
    'drover_task_attempts_bucket{le="2",family="Load"}': 1,
    'drover_task_attempts_count{family="Load"}': 2,
    'drover_task_queued_seconds_count{region="eu-west"}': 2,
    'drover_task_queued_seconds_bucket{le="1",region="eu-west"}': 2,
    'drover_task_queued_seconds_bucket{le="0.5",region="eu-west"}': 1,
    'drover_task_queued_seconds_count{region="none"}': 1,
    'drover_lease_grants_total{kind="run"}': 2,
    'drover_lease_grants_total{kind="expand"}': 1,
    "drover_lease_renewals_total": 5,
    "drover_lease_renewals_refused_total": 1,
    'drover_lease_expiries_total{kind="run"}': 1,
    "drover_lease_stale_completions_total": 1,
    "drover_lease_duplicate_completions_total": 1,
    "drover_db_commits_total": 1,
    "drover_db_commit_operations_sum": 7,
    "drover_db_commit_duration_seconds_sum": 0.003,
    'drover_db_errors_total{kind="busy"}': 1,
    "drover_db_busy_retries_total": 1,
    'drover_ws_frames_received_total{type="lease.renew"}': 1,
    'drover_ws_frames_sent_total{type="lease.grant"}': 1,
    'drover_http_requests_total{method="GET",route="/api/runs/{id}",status="404"}': 1,
    'drover_http_requests_total{method="OTHER",route="unmatched",status="404"}': 1,
    "drover_hub_heartbeat_timestamp_seconds": 1_700_000_000,
    "drover_db_write_queue_pending": 0,
  };
  for (const [line, value] of Object.entries(expected)) {
    assert.equal(sample(body, line), value, line);
  }
  const errors = body.match(/^drover_db_errors_total\{.*$/gm) ?? [];
  assert.equal(errors.length, 7, "every kind, from the start");
  assert.deepEqual(
    errors.filter((l) => !l.endsWith(" 0")),
    ['drover_db_errors_total{kind="busy"} 1'],
    "domain errors are not counted",
  );
  assert.match(body, /^drover_build_info\{version="[^"]+",deno="[^"]+"\} 1$/m);
  assert.ok((sample(body, "process_resident_memory_bytes") ?? 0) > 0);
  assert.ok((sample(body, "process_start_time_seconds") ?? 0) > 1_600_000_000);
});

Deno.test("the queue gauges count tasks by state, pin region and family, and keep emptied series at 0", async () => {
  await using db = await testDatabase();
  let now = 10_000;
  const metrics = metricsOf(db, () => now);
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "eu1", pin: '{"region":"eu-west"}', createdAt: 4_000 });
    await insertTask(tx, { id: "eu2", pin: '{"region":"eu-west"}', createdAt: 6_000 });
    await insertTask(tx, { id: "any", family: "G", createdAt: 9_000 });
    await insertTask(tx, { id: "later", family: "G", createdAt: 1_000 });
    await insertTask(tx, { id: "wait", state: "waiting" });
    await insertTask(tx, { id: "run", state: "leased", pin: '{"region":"eu-west"}' });
    // Backing off until 20 s: not claimable, so not the oldest ready task.
    await tx.run(sql`UPDATE tasks SET next_attempt_at = 20000 WHERE id = 'later'`);
    await tx.run(sql`INSERT INTO families (name, version, params_schema, retry, has_run,
      schema_hash, first_worker_id, updated_at, disabled_until)
      VALUES ('F', 1, '{}', '{}', 1, 'h', 'w', 0, 60000), ('G', 1, '{}', '{}', 1, 'h', 'w', 0, NULL)`);
  });
  const { body } = await metrics.scrape();
  const expected: Record<string, number> = {
    'drover_queue_tasks{state="ready",region="eu-west",family="F"}': 2,
    'drover_queue_tasks{state="ready",region="any",family="G"}': 2,
    'drover_queue_tasks{state="waiting",region="any",family="F"}': 1,
    'drover_queue_tasks{state="leased",region="eu-west",family="F"}': 1,
    'drover_queue_oldest_ready_age_seconds{region="eu-west"}': 6,
    'drover_queue_oldest_ready_age_seconds{region="any"}': 1,
    // F is disabled until 60 s: that, not the missing worker, holds its tasks.
    'drover_queue_unschedulable_tasks{reason="family_disabled",region="eu-west"}': 2,
    'drover_queue_unschedulable_tasks{reason="no_worker",region="any"}': 2,
    'drover_family_disabled{family="F"}': 1,
    'drover_family_disabled{family="G"}': 0,
  };
  for (const [line, value] of Object.entries(expected)) {
    assert.equal(sample(body, line), value, line);
  }
  await db.tx((tx) => tx.run(sql`DELETE FROM tasks WHERE pin != ''`));
  now = 70_000;
  const after = (await metrics.scrape()).body;
  assert.equal(sample(after, 'drover_queue_tasks{state="ready",region="eu-west",family="F"}'), 0);
  assert.equal(sample(after, 'drover_queue_oldest_ready_age_seconds{region="eu-west"}'), 0);
  assert.equal(sample(after, 'drover_queue_oldest_ready_age_seconds{region="any"}'), 61);
  assert.equal(sample(after, 'drover_family_disabled{family="F"}'), 0, "disabled until 60 s");
});

Deno.test("the fleet gauges count this hub's workers by region and state; a worker's own figures go when it leaves", async () => {
  await using db = await testDatabase();
  const figures = {
    slotsInUse: 3,
    outbox: 2,
    rssBytes: 50_000_000,
    eventLoopDelayMs: 1.5,
    eventLoopDelayMaxMs: 12,
    logLinesDropped: 7,
  };
  let links = [
    link("a", { figures }),
    link("b", { cordoned: true, free: 1 }),
    link("c", { labels: {}, draining: true, cordoned: true }),
  ];
  const metrics = new PrometheusMetrics({
    read: (fn) => db.queue.read(fn),
    links: () => links,
    pendingWrites: () => 3,
    triggers: () => [],
    now: () => 0,
  });
  const before = (await metrics.scrape()).body;
  const expected: Record<string, number> = {
    'drover_workers_connected{region="eu-west",state="ready"}': 1,
    'drover_workers_connected{region="eu-west",state="cordoned"}': 1,
    'drover_workers_connected{region="none",state="draining"}': 1,
    'drover_slots{region="eu-west"}': 8,
    'drover_slots_in_use{region="eu-west"}': 6,
    'drover_worker_slots_in_use{worker="a",region="eu-west"}': 3,
    'drover_worker_outbox_entries{worker="a",region="eu-west"}': 2,
    'drover_worker_resident_memory_bytes{worker="a",region="eu-west"}': 50_000_000,
    'drover_worker_event_loop_delay_seconds{worker="a",region="eu-west"}': 0.0015,
    'drover_worker_event_loop_delay_max_seconds{worker="a",region="eu-west"}': 0.012,
    'drover_worker_log_lines_dropped_total{worker="a",region="eu-west"}': 7,
    'drover_worker_info{worker="a",region="eu-west",version="0.1.0"}': 1,
    'drover_worker_info{worker="c",region="none",version="0.1.0"}': 1,
    "drover_db_write_queue_pending": 3,
  };
  for (const [line, value] of Object.entries(expected)) {
    assert.equal(sample(before, line), value, line);
  }
  links = links.filter((l) => l.name !== "a");
  const after = (await metrics.scrape()).body;
  assert.doesNotMatch(after, /worker="a"/, "the series of a worker that left are dropped");
  assert.equal(sample(after, 'drover_workers_connected{region="eu-west",state="ready"}'), 0);
  assert.equal(sample(after, 'drover_slots{region="eu-west"}'), 4);
});

Deno.test("a family's outcome series exist at 0 from its first outcome, so the first failure counts in rate()", async () => {
  await using db = await testDatabase();
  const metrics = metricsOf(db);
  metrics.taskPublished({ family: "Load", durationMs: 5, attempts: 1 });
  const { body } = await metrics.scrape();
  assert.equal(sample(body, 'drover_task_outcomes_total{family="Load",outcome="done"}'), 1);
  for (const outcome of ["failed", "retried", "cancelled", "expired", "refused_stale"]) {
    assert.equal(sample(body, `drover_task_outcomes_total{family="Load",outcome="${outcome}"}`), 0);
  }
  assert.equal(sample(body, 'drover_lease_expiries_total{kind="run"}'), 0);
});

Deno.test("a retention pass is counted by kind of row, and its batches' times observed", async () => {
  await using db = await testDatabase();
  const metrics = metricsOf(db);
  metrics.pruned({ runs: 1, tasks: 21, attempts: 21, events: 0 }, [1.5, 3]);
  metrics.pruned({ tasks: 4 }, [0.4]);
  const { body } = await metrics.scrape();
  assert.equal(sample(body, 'drover_retention_deleted_total{kind="tasks"}'), 25);
  assert.equal(sample(body, 'drover_retention_deleted_total{kind="runs"}'), 1);
  assert.equal(sample(body, 'drover_retention_deleted_total{kind="events"}'), 0, "from 0");
  assert.equal(sample(body, "drover_retention_batch_seconds_count"), 3);
  assert.equal(sample(body, 'drover_retention_batch_seconds_bucket{le="0.001"}'), 1);
});
