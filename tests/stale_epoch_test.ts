import assert from "node:assert/strict";
import { familyInfo } from "../shared/family_info.ts";
import { readOutput } from "../testing/read_output.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { inspectDatabase } from "./fixtures/inspect_database.ts";
import { RawWorker } from "./fixtures/raw_worker.ts";
import { createTestTasks } from "./fixtures/tasks.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("a completion carrying a stale epoch is refused and publishes nothing", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-stale-" });
  const dbUrl = await testDbUrl(dir);
  await using hub = await spawnHub({ dbUrl, leaseTtlMs: 400 });
  const { Sleep } = createTestTasks(`${dir}/data`);
  const families = [familyInfo(Sleep)];
  const a = await RawWorker.connect(hub);
  const b = await RawWorker.connect(hub);
  try {
    assert.equal((await a.hello(families)).type, "welcome");
    const submitted = await hub.api.request<{ taskId: string; runId: string }>("/api/runs", {
      body: { family: "Sleep", params: { id: 1 } },
    });
    const taskId = submitted.body.taskId;

    let staleEpoch = 0;
    await t.step("worker A expands the task, takes the run lease, and stops renewing", async () => {
      a.send({ type: "lease.credit", free: 1, grantsSeen: 0 });
      const expand = await a.next((f) => f.type === "lease.grant");
      assert.ok(expand.type === "lease.grant" && expand.kind === "expand");
      a.send({
        type: "expand.result",
        taskId,
        epoch: expand.epoch,
        key: "x_expand_key_1",
        nodes: [{
          id: taskId,
          family: "Sleep",
          version: 1,
          params: expand.params,
          expanded: true,
          complete: false,
          deps: [],
        }],
      });
      const ack = await a.next((f) => f.type === "task.ack");
      assert.ok(ack.type === "task.ack" && ack.outcome === "accepted", JSON.stringify(ack));
      a.send({ type: "lease.credit", free: 1, grantsSeen: 1 });
      const run = await a.next((f) => f.type === "lease.grant");
      assert.ok(run.type === "lease.grant" && run.kind === "run" && run.attempt === 1);
      staleEpoch = run.epoch;
      await hub.waitFor((l) => l.msg === "lease expired" && l.taskId === taskId, 10_000);
    });

    let currentEpoch = 0;
    await t.step("worker B gets the task with a newer epoch and publishes it", async () => {
      assert.equal((await b.hello(families)).type, "welcome");
      b.send({ type: "lease.credit", free: 1, grantsSeen: 0 });
      const run = await b.next((f) => f.type === "lease.grant");
      assert.ok(run.type === "lease.grant" && run.kind === "run" && run.attempt === 2);
      assert.ok(run.epoch > staleEpoch);
      currentEpoch = run.epoch;
      b.send({ type: "task.complete", taskId, epoch: run.epoch, key: "c_key_of_worker_b" });
      const ack = await b.next((f) => f.type === "task.ack");
      assert.ok(ack.type === "task.ack" && ack.outcome === "accepted");
    });

    await t.step("worker A's late completion is refused as stale", async () => {
      a.send({ type: "task.complete", taskId, epoch: staleEpoch, key: "c_key_of_worker_a" });
      const ack = await a.next((f) => f.type === "task.ack");
      assert.ok(ack.type === "task.ack");
      assert.equal(ack.outcome, "stale");
      assert.match(
        ack.message,
        new RegExp(`epoch ${staleEpoch} is stale \\(current ${currentEpoch}`),
      );
    });

    await t.step("a repeat of B's key gets B's first answer", async () => {
      b.send({ type: "task.complete", taskId, epoch: currentEpoch, key: "c_key_of_worker_b" });
      const ack = await b.next((f) => f.type === "task.ack");
      assert.ok(ack.type === "task.ack" && ack.outcome === "accepted");
      assert.equal(ack.message, "already published");
    });

    assert.equal((await waitForRun(hub.api, submitted.body.runId)).state, "done");
  } finally {
    await a.close();
    await b.close();
  }
  await hub.stop();
  const db = await inspectDatabase(dbUrl);
  assert.equal(db.publicationsPerTask.size, 1);
  assert.deepEqual([...db.publicationsPerTask.values()], [1]);
  assert.deepEqual(db.violations, []);
  await removeTree(dir);
});

Deno.test("a worker frozen past its TTL (SIGSTOP) cannot publish when it resumes: its output is discarded", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-zombie-" });
  const dbUrl = await testDbUrl(dir);
  const dataDir = `${dir}/data`;
  await using hub = await spawnHub({ dbUrl, leaseTtlMs: 600 });
  const common = { hub, entry: "tests/fixtures/worker.ts", dataDir, slots: 1 };
  await using zombie = await spawnWorker({ ...common, name: "zombie", stateDir: `${dir}/z` });
  const submitted = await hub.api.request<{ runId: string; taskId: string }>("/api/runs", {
    body: { family: "Sleep", params: { id: 7, firstAttemptMs: 900 } },
  });
  const taskId = submitted.body.taskId;
  await zombie.waitFor((l) => l.msg === "task started" && l.taskId === taskId);
  zombie.kill("SIGSTOP");
  try {
    await using healthy = await spawnWorker({ ...common, name: "healthy", stateDir: `${dir}/h` });
    assert.equal(
      (await waitForRun(hub.api, submitted.body.runId, { timeoutMs: 20_000 })).state,
      "done",
    );
    await healthy.waitFor((l) => l.msg === "task published" && l.taskId === taskId);
  } finally {
    zombie.kill("SIGCONT");
  }
  // Whichever fires first on resume — the renewal (refused) or the task's end
  // (completion refused as stale) — the zombie must throw its output away.
  const outcome = await zombie.waitFor(
    (l) =>
      l.taskId === taskId &&
      [
        "attempt abandoned: lease lost",
        "result discarded: lease lost",
        "completion refused; staged output discarded",
      ]
        .includes(String(l.msg)),
    15_000,
  );
  assert.ok(outcome);
  const output = JSON.parse(await readOutput(`${dataDir}/sleep/g/7.json`));
  assert.equal(output.attempt, 2, "the final output is the live worker's");
  const leftovers = [...Deno.readDirSync(`${dataDir}/sleep/g`)].map((e) => e.name);
  assert.deepEqual(leftovers, ["7.json"], "no staged output is left behind");
  await zombie.stop();
  await hub.stop();
  const db = await inspectDatabase(dbUrl);
  assert.equal(db.publicationsPerTask.get(taskId), 1);
  assert.deepEqual(db.violations, []);
  await removeTree(dir);
});
