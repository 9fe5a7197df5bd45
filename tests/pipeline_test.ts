import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { readDatabase } from "../testing/read_database.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { inspectDatabase } from "./fixtures/inspect_database.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("AggregateShards(totalShards=10) runs end to end, and a resubmission runs no task", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-pipeline-" });
  const dbUrl = await testDbUrl(dir);
  const dataDir = `${dir}/data`;
  await using hub = await spawnHub({ dbUrl });
  await using worker = await spawnWorker({
    hub,
    entry: "tests/fixtures/worker.ts",
    dataDir,
    stateDir: `${dir}/worker`,
  });

  const submitted = await hub.api.request<{ runId: string; taskId: string }>("/api/runs", {
    body: { family: "AggregateShards", params: { totalShards: 10 } },
  });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const run = await waitForRun(hub.api, submitted.body.runId);
  assert.equal(run.state, "done");
  assert.equal(run.total, 11);
  assert.deepEqual(run.counts, { done: 11 });

  const merged = JSON.parse(await readOutput(`${dataDir}/aggregate/v1/10.json`));
  assert.deepEqual(merged, { totalShards: 10, count: 10_000, sum: 50_005_000 });

  const tasks = await hub.api.request<{ tasks: Array<{ id: string; state: string }> }>(
    `/api/tasks?run=${submitted.body.runId}`,
  );
  assert.equal(tasks.body.tasks.length, 11);
  const detail = await hub.api.request<{ publication: { kind: string }; attempts: unknown[] }>(
    `/api/tasks/${submitted.body.taskId}`,
  );
  assert.equal(detail.body.publication.kind, "run");

  const again = await hub.api.request<{ runId: string; rootState: string }>("/api/runs", {
    body: { family: "AggregateShards", params: { totalShards: 10 } },
  });
  assert.equal(again.body.rootState, "done");
  assert.equal((await waitForRun(hub.api, again.body.runId)).state, "done");
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
  const dbUrl = await testDbUrl(dir);
  await using hub = await spawnHub({ dbUrl });
  await using _worker = await spawnWorker({ hub, dataDir, stateDir: `${dir}/w` });

  const first = await hub.api.request<{ runId: string }>("/api/runs", {
    body: { family: "TransformAll", params: { runDate: "2026-11-23" } },
  });
  const run = await waitForRun(hub.api, first.body.runId);
  assert.equal(run.state, "done");
  // TransformAll + 2 TransformTable + 1 ExtractRaw
  assert.equal(run.total, 4);
  const refunds = JSON.parse(
    await readOutput(`${dataDir}/tables/v1/refunds/2026-11-23.json`),
  );
  assert.equal(refunds.table, "refunds");

  // A table added to the catalog since: the wrapper is expanded again when it
  // is submitted again (as a Luigi WrapperTask, it is complete only while
  // everything it requires now is), while the tables already done stay done.
  await Deno.writeTextFile(
    `${dataDir}/catalog/tables.json`,
    JSON.stringify(["orders", "refunds", "payouts"]),
  );
  const again = await hub.api.request<{ runId: string; rootState: string }>("/api/runs", {
    body: { family: "TransformAll", params: { runDate: "2026-11-23" } },
  });
  assert.equal(again.body.rootState, "ready", "not remembered as done: expanded again");
  const rerun = await waitForRun(hub.api, again.body.runId);
  assert.equal(rerun.state, "done");
  assert.equal(rerun.total, 5, "TransformAll + 3 TransformTable + 1 ExtractRaw");
  assert.deepEqual(rerun.summary, {
    alreadyDone: 3,
    completed: 2,
    failed: 0,
    blocked: 0,
    cancelled: 0,
    pending: 0,
  }, "orders, refunds and the extract were done before; payouts and the wrapper now");
  const payouts = JSON.parse(await readOutput(`${dataDir}/tables/v1/payouts/2026-11-23.json`));
  assert.equal(payouts.table, "payouts");
  const starts = (await readDatabase(dbUrl, (query) =>
    query<{ family: string; n: number }>(
      `SELECT t.family, count(*) AS n FROM attempts a JOIN tasks t ON t.id = a.task_id
       WHERE a.kind = 'run' AND a.outcome = 'done' GROUP BY t.family ORDER BY t.family`,
    ))).map((r) => [r.family, Number(r.n)]);
  assert.deepEqual(starts, [["ExtractRaw", 1], ["TransformTable", 3]], "nothing ran twice");
  assert.deepEqual((await inspectDatabase(dbUrl)).violations, []);
  // Stopped first: a hub still running writes its database files while the
  // directory is being removed.
  await _worker.stop();
  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});
