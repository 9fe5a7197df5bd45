/**
 * The session against a fake hub on loopback, with a fake clock driving the
 * grace time and renewals (helpers in `test_session.ts`).
 */
import assert from "node:assert/strict";
import {
  defineTask,
  LeaseLostError,
  LocalTarget,
  TaskCancelledError,
  WorkerShutdownError,
} from "../shared/mod.ts";
import { z } from "zod";
import {
  FakeClock,
  FakeHub,
  grant,
  hangingTask,
  logTap,
  results,
  welcomed,
} from "./test_session.ts";

Deno.test("close() past the grace time aborts a running task with a WorkerShutdownError and hands its lease back", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const { Hang, started, stopped } = hangingTask();
  const session = await welcomed(hub, [Hang], { clock });
  const task = Hang.of({ n: 1 });
  hub.send(grant(task));
  await started;

  const closing = session.close(30_000);
  await hub.next("lease.credit", (f) => f.free === 0);
  clock.advance(30_000); // the grace time runs out
  await closing;

  const reason = await stopped;
  assert.ok(reason instanceof WorkerShutdownError, `the signal's reason was ${reason}`);
  assert.equal(reason.taskId, task.id);
  assert.match(reason.message, /grace time of 30000 ms ran out/);
  assert.deepEqual(await hub.next("lease.release"), {
    type: "lease.release",
    taskId: task.id,
    epoch: 1,
    reason: "worker shutting down",
  });
  await hub.disconnected.promise;
  assert.deepEqual(results(hub), [], "a stopped attempt reports nothing");
  assert.equal(session.stats.released, 1);
});

Deno.test("close() within the grace time lets the task finish, delivers its result and publishes it", async () => {
  await using hub = new FakeHub();
  const dir = await Deno.makeTempDir({ prefix: "drover_session_" });
  try {
    const clock = new FakeClock();
    const started = Promise.withResolvers<void>();
    const finish = Promise.withResolvers<void>();
    const Write = defineTask({
      family: "Write",
      params: z.object({ n: z.int() }),
      output: ({ n }) => new LocalTarget(`${dir}/out/${n}.json`),
      run: async (ctx) => {
        started.resolve();
        await finish.promise;
        await ctx.outputs.write("{}");
      },
    });
    const session = await welcomed(hub, [Write], { clock, stateDir: `${dir}/state` });
    const task = Write.of({ n: 1 });
    hub.send(grant(task));
    await started.promise;
    const closing = session.close(30_000);
    finish.resolve();
    const complete = await hub.next("task.complete");
    hub.send({
      type: "task.ack",
      taskId: task.id,
      key: complete.key,
      outcome: "accepted",
      message: "",
    });
    await closing;
    assert.equal(await Deno.readTextFile(`${dir}/out/1.json`), "{}");
    assert.equal(session.stats.published, 1);
    assert.equal(session.stats.released, 0);
    // The attempt's staged output was journaled, then resolved when the outbox took it.
    const journal = (await Deno.readTextFile(`${dir}/state/staging.jsonl`)).trim().split("\n")
      .map((l) => JSON.parse(l).op);
    assert.deepEqual(journal, ["open", "done"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a refused renewal aborts the attempt with a LeaseLostError; it reports nothing and hands nothing back", async () => {
  await using hub = new FakeHub();
  const tap = logTap();
  const { Hang, started, stopped } = hangingTask();
  const session = await welcomed(hub, [Hang], { log: tap.log });
  const task = Hang.of({ n: 2 });
  hub.send(grant(task, { epoch: 4 }));
  await started;
  hub.send({
    type: "lease.renewed",
    ttlMs: 15_000,
    refused: [{ taskId: task.id, epoch: 4, reason: "epoch 4 is stale (current 5)" }],
  });
  const reason = await stopped;
  assert.ok(reason instanceof LeaseLostError, `the signal's reason was ${reason}`);
  assert.equal(reason.message, `Lost the lease on "${task.id}": epoch 4 is stale (current 5)`);
  assert.equal((await tap.next("lease lost")).taskId, task.id);
  await tap.next("attempt abandoned: lease lost");
  await session.close(0);
  await hub.disconnected.promise;
  assert.deepEqual(results(hub), []);
  assert.deepEqual(hub.frames.filter((f) => f.type === "lease.release"), []);
  assert.equal(session.stats.leasesLost, 1);
});

Deno.test("a revoked lease aborts the attempt with a TaskCancelledError through the same drop", async () => {
  await using hub = new FakeHub();
  const tap = logTap();
  const { Hang, started, stopped } = hangingTask();
  const session = await welcomed(hub, [Hang], { log: tap.log });
  const task = Hang.of({ n: 3 });
  hub.send(grant(task, { epoch: 2 }));
  await started;
  // A revoke for another epoch is not this lease's.
  hub.send({ type: "lease.revoke", taskId: task.id, epoch: 1, reason: "old" });
  hub.send({ type: "lease.revoke", taskId: task.id, epoch: 2, reason: "cancelled by admin" });
  const reason = await stopped;
  assert.ok(reason instanceof TaskCancelledError, `the signal's reason was ${reason}`);
  assert.equal(reason.message, `Task "${task.id}" was cancelled: cancelled by admin`);
  assert.equal((await tap.next("lease revoked")).reason, "cancelled by admin");
  await tap.next("attempt abandoned: lease lost");
  await session.close(0);
  await hub.disconnected.promise;
  assert.deepEqual(results(hub), []);
  assert.equal(session.stats.leasesLost, 0, "a revoke is not a lost lease");
});

Deno.test("a grant that follows the acknowledgement of the same task's expansion finds its slot free", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const { Hang, started } = hangingTask();
  const session = await welcomed(hub, [Hang], { clock });
  const task = Hang.of({ n: 4 });
  hub.send(grant(task, { kind: "expand" }));
  const expanded = await hub.next("expand.result");
  // Back to back, as a hub sends them: the expansion's ack, then the run's grant.
  hub.send({
    type: "task.ack",
    taskId: task.id,
    key: expanded.key,
    outcome: "accepted",
    message: "",
  });
  hub.send(grant(task, { epoch: 2 }));
  const first = await Promise.race([
    started.then(() => "run started"),
    hub.next("lease.release").then((f) => `lease handed back: ${f.reason}`),
  ]);
  assert.equal(first, "run started");
  const closing = session.close(0);
  clock.advance(0);
  await closing;
});

Deno.test("each renewal carries the worker's figures: slots in use, outbox, memory, event-loop delay", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const { Hang, started } = hangingTask();
  const session = await welcomed(hub, [Hang], { clock });
  hub.send(grant(Hang.of({ n: 1 })));
  await started;
  session.stats.logLinesDropped = 4;
  clock.advance(5_000); // a third of the TTL: the first renewal
  const renewal = await hub.next("lease.renew");
  assert.equal(renewal.leases.length, 1);
  const figures = renewal.figures!;
  assert.equal(figures.slotsInUse, 1);
  assert.equal(figures.outbox, 0);
  assert.equal(figures.logLinesDropped, 4);
  assert.ok(figures.rssBytes > 1_000_000, `rss ${figures.rssBytes}`);
  assert.equal(figures.eventLoopDelayMs, 0, "a fake clock's timers are never late");
  const closing = session.close(1_000);
  await hub.next("lease.credit", (f) => f.free === 0);
  clock.advance(1_000); // the grace time runs out: the hanging task is stopped
  await closing;
});
