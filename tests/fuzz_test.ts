import assert from "node:assert/strict";
import { familyInfo } from "../shared/family_info.ts";
import { MAX_FRAME_BYTES } from "../shared/protocol.ts";
import type { ApiClient } from "../testing/api_client.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { inspectDatabase } from "./fixtures/inspect_database.ts";
import { FUZZ_ID_PREFIX } from "./fixtures/fuzz_frames.ts";
import { fuzzFootprint } from "./fixtures/fuzz_footprint.ts";
import { runLane } from "./fixtures/fuzz_lane.ts";
import { LogPool } from "./fixtures/fuzz_pool.ts";
import { FuzzTally } from "./fixtures/fuzz_tally.ts";
import { within } from "./fixtures/fuzz_wait.ts";
import { RawWorker } from "./fixtures/raw_worker.ts";
import { createTestTasks } from "./fixtures/tasks.ts";
import { testDbUrl } from "../testing/postgres.ts";

/** Four lanes of 1,500 frames each; change the seed to explore, keep it to replay. */
const SEED = 0x5eed_2026;
const LANES = 4;
const FRAMES_PER_LANE = 1_500;

async function registeredFamilies(api: ApiClient): Promise<string[]> {
  const { body } = await api.request<
    { families: { name: string; version: number; schemaHash: string }[] }
  >("/api/families");
  return body.families.map((f) => `${f.name}@${f.version}#${f.schemaHash}`).sort();
}

async function doneCount(api: ApiClient, runId: string): Promise<number> {
  const { body } = await api.request<{ counts: Record<string, number> }>(`/api/runs/${runId}`);
  return body.counts.done ?? 0;
}

async function status(url: string): Promise<number> {
  const res = await fetch(url);
  await res.body?.cancel();
  return res.status;
}

Deno.test("the hub answers thousands of random, mutated and stale frames with an error or a close with a reason, and keeps serving a real worker", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-fuzz-" });
  const dbUrl = await testDbUrl(dir);
  await using hub = await spawnHub({ dbUrl, leaseTtlMs: 1_000 });
  await using worker = await spawnWorker({
    hub,
    entry: "tests/fixtures/worker.ts",
    name: "real",
    dataDir: `${dir}/data`,
    stateDir: `${dir}/worker`,
    slots: 2,
  });
  const families = createTestTasks(`${dir}/unused`).all.map(familyInfo);
  const familiesBefore = await registeredFamilies(hub.api);
  const submitted = await hub.api.request<{ runId: string }>("/api/runs", {
    body: { family: "SleepAll", params: { group: "fuzz", n: 50, ms: 100 } },
  });
  assert.equal(submitted.status, 201);
  // Fuzzing starts once the run has published a few tasks: keys to replay. The
  // pool is read once, so the frames' shapes depend on the seed alone.
  let published = 0;
  await hub.waitFor((l) => l.msg === "task published" && ++published >= 3);
  const pool = new LogPool(() => hub.lines);
  pool.refresh();
  const doneBefore = await doneCount(hub.api, submitted.body.runId);
  const firstLine = hub.lines.length;

  const tally = new FuzzTally();
  const started = performance.now();
  const lanes = await Promise.allSettled(
    Array.from({ length: LANES }, (_, lane) =>
      runLane({
        hub,
        lane,
        seed: SEED + lane,
        frames: FRAMES_PER_LANE,
        families,
        pool,
        tally,
        oversized: 1,
      })),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const finishedDuring = await doneCount(hub.api, submitted.body.runId) - doneBefore;
  const hubErrors = hub.lines.slice(firstLine).filter((l) => l.level === "error");
  const expired = hub.lines.slice(firstLine).filter((l) => l.msg === "lease expired").length;
  console.error(
    `${tally.summary()}; ${seconds} s; seed ${SEED}; ` +
      `real run finished ${finishedDuring} more tasks meanwhile (${expired} leases expired); ` +
      `hub error lines ${hubErrors.length}`,
  );

  await t.step("every lane ran to its end and the fuzzer sent at least 5,000 frames", () => {
    const failed = lanes.flatMap((l) => l.status === "rejected" ? [String(l.reason)] : []);
    assert.deepEqual(failed, []);
    assert.ok(tally.total >= 5_000, `only ${tally.total} frames sent`);
  });

  await t.step("the hub is still up, healthy and ready", async () => {
    assert.equal(hub.exited, false);
    assert.equal(await status(`${hub.url}/healthz`), 200);
    assert.equal(await status(`${hub.url}/readyz`), 200);
  });

  await t.step("the real worker's run went on during the fuzzing and ends done", async () => {
    assert.ok(finishedDuring > 0, "nothing was published while the fuzzer ran");
    const run = await waitForRun(hub.api, submitted.body.runId, { timeoutMs: 60_000 });
    assert.equal(run.state, "done", JSON.stringify(run));
    assert.equal(worker.exited, false);
  });

  await t.step("no fuzz frame changed the family registry", async () => {
    assert.deepEqual(await registeredFamilies(hub.api), familiesBefore);
  });

  await t.step("every frame got the answer the protocol prescribes", () => {
    assert.deepEqual(tally.anomalies, []);
  });

  await t.step("the hub logged no internal error", () => {
    assert.deepEqual(hubErrors.map((l) => JSON.stringify(l).slice(0, 300)), []);
  });

  await worker.stop();
  await hub.stop();

  await t.step("the database is consistent and the fuzzer left nothing in it", async () => {
    const db = await inspectDatabase(dbUrl);
    assert.deepEqual(db.violations, []);
    const done = db.tasks.filter((task) => task.state === "done");
    assert.equal(done.length, 51, JSON.stringify(db.states));
    for (const task of done) assert.equal(db.publicationsPerTask.get(task.id), 1, task.id);
    assert.deepEqual(await fuzzFootprint(dbUrl, FUZZ_ID_PREFIX), {
      tasks: 0,
      attempts: 0,
      publications: 0,
      leasedToFuzz: 0,
    });
  });

  await Deno.remove(dir, { recursive: true });
});

/** The close, or null when the hub has not closed within `ms` (the socket is then closed here). */
async function closedWithin(
  raw: RawWorker,
  ms: number,
): Promise<{ code: number; reason: string } | null> {
  const closed = await within(raw.closed, ms);
  if (!closed) await raw.close();
  return closed;
}

Deno.test("a refusal whose message runs past 123 bytes of UTF-8 still closes the connection, with a shortened reason", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-fuzz-reason-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  const cases = [
    {
      name: "a first frame whose type is 100 × é",
      frame: { type: "é".repeat(100) },
      code: "hello_expected",
    },
    {
      name: "a hello whose protocol is 60 × €",
      frame: { type: "hello", protocol: "€".repeat(60) },
      code: "unsupported_protocol",
    },
  ];
  for (const c of cases) {
    await t.step(`${c.name} gets "${c.code}" and a close 1002 with a reason`, async () => {
      const raw = await RawWorker.connect(hub);
      raw.send(c.frame);
      const closed = await closedWithin(raw, 3_000);
      const codes = raw.frames.map((f) => f.type === "error" ? f.code : f.type);
      assert.deepEqual(codes, [c.code], `frames: ${JSON.stringify(raw.frames).slice(0, 400)}`);
      assert.ok(closed, "the hub did not close the connection");
      assert.equal(closed.code, 1002);
      assert.ok(closed.reason.length > 0);
      assert.ok(new TextEncoder().encode(closed.reason).length <= 123);
    });
  }
  assert.equal(hub.exited, false);
  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a frame over 8 MiB of UTF-8 closes the connection with 1009 even when it has fewer than 8 Mi characters", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-fuzz-size-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  const families = [familyInfo(createTestTasks(dir).Sleep)];
  // 2.8 Mi three-byte characters: 8.4 MiB on the wire.
  const text = JSON.stringify({
    type: "lease.renew",
    leases: [],
    pad: "€".repeat(Math.ceil(MAX_FRAME_BYTES / 3) + 10),
  });
  assert.ok(
    text.length < MAX_FRAME_BYTES && new TextEncoder().encode(text).length > MAX_FRAME_BYTES,
  );
  for (const when of ["before hello", "after hello"]) {
    await t.step(`${when}`, async () => {
      const raw = await RawWorker.connect(hub);
      if (when === "after hello") assert.equal((await raw.hello(families)).type, "welcome");
      const from = raw.frames.length;
      raw.socket.send(text);
      const closed = await closedWithin(raw, 3_000);
      const codes = raw.frames.slice(from).map((f) => f.type === "error" ? f.code : f.type);
      assert.deepEqual(codes, ["frame_too_big"]);
      assert.ok(closed, "the hub did not close the connection");
      assert.equal(closed.code, 1009);
      assert.ok(closed.reason.length > 0);
    });
  }
  assert.equal(hub.exited, false);
  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});
