import assert from "node:assert/strict";
import { api, readOutput, spawnHub, spawnWorker, waitForRun } from "../scripts/local_cluster.ts";
import { inspectDatabase } from "./fixtures/db.ts";

Deno.test("AggregateShards(totalShards=10) runs end to end, and a resubmission runs no task", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-pipeline-" });
  const dbUrl = `file:${dir}/hub.db`;
  const dataDir = `${dir}/data`;
  await using hub = await spawnHub({ dbUrl });
  await using worker = await spawnWorker({
    hubUrl: hub.url,
    entry: "tests/fixtures/worker.ts",
    dataDir,
    stateDir: `${dir}/worker`,
  });

  const submitted = await api<{ runId: string; taskId: string }>(hub.url, "/api/runs", {
    body: { family: "AggregateShards", params: { totalShards: 10 } },
  });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const run = await waitForRun(hub.url, submitted.body.runId);
  assert.equal(run.state, "done");
  assert.equal(run.total, 11);
  assert.deepEqual(run.counts, { done: 11 });

  const merged = JSON.parse(await readOutput(`${dataDir}/aggregate/v1/10.json`));
  assert.deepEqual(merged, { totalShards: 10, count: 10_000, sum: 50_005_000 });

  const tasks = await api<{ tasks: Array<{ id: string; state: string }> }>(
    hub.url,
    `/api/tasks?run=${submitted.body.runId}`,
  );
  assert.equal(tasks.body.tasks.length, 11);
  const detail = await api<{ publication: { kind: string }; attempts: unknown[] }>(
    hub.url,
    `/api/tasks/${submitted.body.taskId}`,
  );
  assert.equal(detail.body.publication.kind, "run");

  const again = await api<{ runId: string; rootState: string }>(hub.url, "/api/runs", {
    body: { family: "AggregateShards", params: { totalShards: 10 } },
  });
  assert.equal(again.body.rootState, "done");
  assert.equal((await waitForRun(hub.url, again.body.runId)).state, "done");
  const grants = hub.lines.filter((l) => l.msg === "task published").length;
  assert.equal(grants, 11, "every task published once, and nothing more after the resubmission");

  await worker.stop();
  await hub.stop();
  const db = await inspectDatabase(dbUrl);
  assert.deepEqual(db.violations, []);
  assert.ok([...db.publicationsPerTask.values()].every((n) => n === 1));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a TransformAll run discovers its table list from the catalog at expansion time", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-transform-" });
  const dataDir = `${dir}/data`;
  await Deno.mkdir(`${dataDir}/catalog`, { recursive: true });
  await Deno.writeTextFile(`${dataDir}/catalog/tables.json`, JSON.stringify(["orders", "refunds"]));
  await using hub = await spawnHub({ dbUrl: `file:${dir}/hub.db` });
  await using _worker = await spawnWorker({ hubUrl: hub.url, dataDir, stateDir: `${dir}/w` });

  const first = await api<{ runId: string }>(hub.url, "/api/runs", {
    body: { family: "TransformAll", params: { runDate: "2026-11-23" } },
  });
  const run = await waitForRun(hub.url, first.body.runId);
  assert.equal(run.state, "done");
  // TransformAll + 2 TransformTable + 1 ExtractRaw
  assert.equal(run.total, 4);
  const refunds = JSON.parse(
    await readOutput(`${dataDir}/tables/v1/refunds/2026-11-23.json`),
  );
  assert.equal(refunds.table, "refunds");
  await Deno.remove(dir, { recursive: true });
});
