/**
 * Outputs in stores with real hub and worker processes: objects in an
 * S3-protocol store (s3rver on loopback) and rows in a SQL table (a libSQL
 * file). A run whose tasks read and write them publishes each once; a
 * completion the worker could not deliver is committed from its outbox by
 * the restarted worker (the object and row the first process staged, not a
 * second run's); no staging object or file is left.
 */
import assert from "node:assert/strict";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { createClient } from "@libsql/client";
import { freePort } from "../testing/free_port.ts";
import { testDbUrl } from "../testing/postgres.ts";
import { startS3 } from "../testing/s3.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { inspectDatabase } from "./fixtures/inspect_database.ts";
import { strandCompletion } from "./fixtures/strand_completion.ts";

Deno.test("objects and rows publish once, and a restarted worker commits what its predecessor staged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-s3-outputs-" });
  await using s3 = await startS3({ dir: `${dir}/s3`, buckets: ["outputs"] });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  const objects = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: "outputs" }))).Contents ?? [])
      .map((o) => o.Key!).sort();
  const read = async (key: string) => {
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    const out = await client.send(new GetObjectCommand({ Bucket: "outputs", Key: key }));
    return JSON.parse(await out.Body!.transformToString());
  };
  const warehouseUrl = `file:${dir}/warehouse.db`;
  const warehouse = createClient({ url: warehouseUrl, timeout: 5_000 });
  await warehouse.execute("CREATE TABLE sleeps (id INTEGER, pid INTEGER)");
  const rows = async () =>
    (await warehouse.execute("SELECT id, pid FROM sleeps ORDER BY id")).rows
      .map((r) => ({ id: Number(r.id), pid: Number(r.pid) }));
  const dbUrl = await testDbUrl(dir);
  const port = freePort();
  const common = {
    entry: "worker/main.ts",
    stateDir: `${dir}/w`,
    dataDir: `${dir}/data`,
    name: "w",
    slots: 1,
    env: {
      ...s3.env,
      WAREHOUSE_URL: warehouseUrl,
      DROVER_TASK_MODULES: "./tests/fixtures/store_tasks.ts",
    },
  };
  try {
    const first = await spawnHub({ dbUrl, port, leaseTtlMs: 20_000 });
    const before = await spawnWorker({ ...common, hub: first });
    // A run that reads one object and writes another.
    const counted = (await first.api.request<{ runId: string; taskId: string }>("/api/runs", {
      body: { family: "CountS3", params: { id: 1 } },
    })).body;
    assert.equal((await waitForRun(first.api, counted.runId)).state, "done");
    // Done on the hub once accepted; visible once the worker has committed, just after.
    await before.waitFor((l) => l.msg === "task published" && l.taskId === counted.taskId);
    assert.deepEqual(await objects(), ["count/1.json", "sleep/1.json"]);
    assert.equal(
      (await read("count/1.json")).bytes,
      JSON.stringify(await read("sleep/1.json")).length,
    );

    const { runId, taskId } = (await first.api.request<{ runId: string; taskId: string }>(
      "/api/runs",
      { body: { family: "SleepToStores", params: { id: 2, ms: 1_000 } } },
    )).body;
    // The hub dies while the task runs, then the worker: its object and row staged,
    // the result only in its outbox.
    await strandCompletion(first, before, taskId);
    const staged = await objects();
    assert.ok(!staged.includes("sleep/2.json"), "not yet published");
    assert.ok(staged.some((k) => k.startsWith(".drover-staging/sleep/2.json.")), "staged");
    assert.deepEqual(await rows(), [{ id: 1, pid: before.pid }], "its row not loaded yet");

    await using second = await spawnHub({ dbUrl, port, leaseTtlMs: 20_000 });
    await using after = await spawnWorker({ ...common, hub: second });
    assert.equal((await waitForRun(second.api, runId)).state, "done");
    await after.waitFor((l) => l.msg === "task published" && l.taskId === taskId);
    assert.equal((await read("sleep/2.json")).pid, before.pid, "the first process's object");
    assert.deepEqual(await objects(), ["count/1.json", "sleep/1.json", "sleep/2.json"]);
    assert.deepEqual(await rows(), [{ id: 1, pid: before.pid }, { id: 2, pid: before.pid }]);
    const left = await Array.fromAsync(Deno.readDir(`${dir}/data/.drover-staging/sql`));
    assert.deepEqual(left, [], "no staged rows left");
    await after.stop();
    await second.stop();
    const db = await inspectDatabase(dbUrl);
    assert.equal(db.publicationsPerTask.get(taskId), 1);
    assert.deepEqual(db.violations, []);
  } finally {
    client.destroy();
    warehouse.close();
    await s3.close();
    await Deno.remove(dir, { recursive: true });
  }
});
