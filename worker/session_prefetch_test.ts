/**
 * Protocol 2 in the worker: prefetched grants wait for a slot (held and
 * renewed), start when one frees and go back on shutdown; frames sent close
 * together leave as one batch; a protocol 1 hub gets neither.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask } from "../shared/mod.ts";
import { createLogger } from "../shared/log.ts";
import { Outbox } from "./outbox.ts";
import { Session } from "./session.ts";
import { StagingJournal } from "./staging_journal.ts";
import { FakeClock, FakeHub, grant, welcomed } from "./test_session.ts";

/** Resolves once `grants` grants reached the session (they come over a real socket). */
async function grantsTaken(session: { stats: { grants: number } }, grants: number) {
  const deadline = Date.now() + 10_000;
  while (session.stats.grants < grants) {
    if (Date.now() > deadline) throw new Error(`${grants} grants not taken within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A task per id that runs until the test lets it finish. */
function gatedTask() {
  const started = new Map<number, PromiseWithResolvers<void>>();
  const finish = new Map<number, PromiseWithResolvers<void>>();
  const of = (map: Map<number, PromiseWithResolvers<void>>, n: number) => {
    if (!map.has(n)) map.set(n, Promise.withResolvers<void>());
    return map.get(n)!;
  };
  const Gated = defineTask({
    family: "Gated",
    params: z.object({ n: z.int() }),
    run: async (_ctx, { n }) => {
      of(started, n).resolve();
      await of(finish, n).promise;
    },
  });
  return {
    Gated,
    started: (n: number) => of(started, n).promise,
    finish: (n: number) => of(finish, n).resolve(),
    /** Whether task `n` ran (only its run creates the entry, unless `started(n)` was asked). */
    hasStarted: (n: number) => started.has(n),
  };
}

Deno.test("a prefetched grant waits for the slot, is renewed meanwhile, and starts when the slot frees", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const g = gatedTask();
  const session = await welcomed(hub, [g.Gated], { clock, prefetch: 1 });
  assert.deepEqual(
    (await hub.next("lease.credit")).prefetch,
    1,
    "a protocol 2 worker offers its prefetch",
  );
  const first = g.Gated.of({ n: 1 });
  const second = g.Gated.of({ n: 2 });
  hub.send(grant(first));
  await g.started(1);
  hub.send(grant(second, { epoch: 3 }));
  await grantsTaken(session, 2);
  assert.equal(session.stats.prefetched, 1);
  assert.equal(session.stats.released, 0, "nothing handed back");

  clock.advance(5_000); // a renewal names the waiting lease too
  const renew = await hub.next("lease.renew");
  assert.deepEqual(
    renew.leases.map((l) => l.taskId).sort(),
    [first.id, second.id].sort(),
  );

  g.finish(1);
  await g.started(2);
  g.finish(2);
  const done = await hub.next("task.complete", (f) => f.taskId === second.id);
  assert.equal(done.epoch, 3);
  await session.close(0);
});

Deno.test("close() hands prefetched grants back at once, without running them", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const g = gatedTask();
  const session = await welcomed(hub, [g.Gated], { clock, prefetch: 2 });
  hub.send(grant(g.Gated.of({ n: 1 })));
  await g.started(1);
  const waiting = g.Gated.of({ n: 2 });
  hub.send(grant(waiting, { epoch: 7 }));
  await grantsTaken(session, 2);
  const closing = session.close(30_000);
  assert.deepEqual(await hub.next("lease.release"), {
    type: "lease.release",
    taskId: waiting.id,
    epoch: 7,
    reason: "worker shutting down",
  });
  g.finish(1);
  const complete = await hub.next("task.complete");
  hub.send({
    type: "task.ack",
    taskId: complete.taskId,
    key: complete.key,
    outcome: "accepted",
    message: "published",
  });
  await closing;
  assert.equal(g.hasStarted(2), false, "the waiting grant never ran");
});

Deno.test("a protocol 1 hub gets no prefetch credit and no batches: a grant past the slots goes back", async () => {
  await using hub = new FakeHub();
  hub.protocol = 1;
  const clock = new FakeClock();
  const g = gatedTask();
  const session = await welcomed(hub, [g.Gated], { clock, prefetch: 4 });
  const credit = await hub.next("lease.credit");
  assert.equal("prefetch" in credit, false, "a protocol 1 credit frame has no prefetch");
  hub.send(grant(g.Gated.of({ n: 1 })));
  await g.started(1);
  const extra = g.Gated.of({ n: 2 });
  hub.send(grant(extra));
  const released = await hub.next("lease.release");
  assert.equal(released.taskId, extra.id);
  assert.equal(released.reason, "no free slot");
  assert.equal(hub.messages, hub.frames.length, "every frame came as its own message");
  g.finish(1);
  await session.close(0);
});

Deno.test("a protocol 2 worker sends frames that leave together as one batch message", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const g = gatedTask();
  const session = await welcomed(hub, [g.Gated], { clock, slots: 3, coalesceMs: 50 });
  const tasks = [1, 2, 3].map((n) => g.Gated.of({ n }));
  for (const t of tasks) hub.send(grant(t));
  await Promise.all([1, 2, 3].map((n) => g.started(n)));
  await grantsTaken(session, 3);
  const before = { messages: hub.messages, frames: hub.frames.length };
  for (const n of [1, 2, 3]) g.finish(n);
  for (const t of tasks) await hub.next("task.complete", (f) => f.taskId === t.id);
  await hub.next("lease.credit", (f) => f.free === 3);
  const frames = hub.frames.length - before.frames;
  const messages = hub.messages - before.messages;
  assert.ok(frames >= 4, `three completions and a credit, got ${frames} frames`);
  assert.ok(messages < frames, `${frames} frames came in ${messages} messages`);
  assert.equal(
    hub.frames.slice(before.frames).filter((f) => f.type === "lease.credit").length,
    1,
    "only the latest credit of a batch is sent",
  );
  await session.close(0);
});

Deno.test("a hub that refuses protocol 2 is offered protocol 1 on the next connection", async () => {
  await using hub = new FakeHub();
  hub.protocol = 1;
  const g = gatedTask();
  const session = new Session({
    hubUrl: hub.url,
    families: [g.Gated],
    labels: {},
    slots: 1,
    prefetch: 2,
    name: "old-hub-test",
    log: createLogger({ write: () => {} }),
    outbox: await Outbox.open(),
    journal: await StagingJournal.open(undefined, []),
    workerId: "w_0123456789abcdef",
    clock: new FakeClock(),
  });
  session.start();
  await hub.next("hello", (f) => f.protocol === 2);
  hub.send({
    type: "error",
    code: "unsupported_protocol",
    message: "hub speaks protocol 1; worker sent 2",
  });
  await hub.disconnect();
  const mark = hub.frames.length;
  const again = await hub.next("hello", (f) => hub.frames.indexOf(f) >= mark);
  assert.equal(again.protocol, 1);
  await hub.welcome(mark);
  await session.ready;
  assert.equal(session.refusal, null, "an older hub is not a refusal");
  const credit = await hub.next("lease.credit", (f) => hub.frames.indexOf(f) >= mark);
  assert.equal("prefetch" in credit, false);
  await session.close(0);
});
