/**
 * Task logs through a whole session against a fake hub: `ctx.log` lines
 * reach the hub before the attempt's result, wait out a disconnection and
 * go out after the welcome before the replayed result, and captured
 * `console.*` output is told apart between concurrent attempts.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask } from "../shared/mod.ts";
import type { WorkerFrame } from "../shared/protocol.ts";
import { createLogger } from "../shared/log.ts";
import { ConsoleCapture } from "./console_capture.ts";
import { startWorker } from "./mod.ts";
import { FakeClock, FakeHub, grant, logTap, welcomed } from "./test_session.ts";

type LogFrame = Extract<WorkerFrame, { type: "task.log" }>;

const logFrames = (frames: readonly WorkerFrame[], epoch?: number) =>
  frames.filter((f): f is LogFrame =>
    f.type === "task.log" && (epoch === undefined || f.epoch === epoch)
  );

Deno.test("ctx.log lines reach the hub before the attempt's failure, and the worker's log with its ids", async () => {
  await using hub = new FakeHub();
  const tap = logTap();
  const Chatty = defineTask({
    family: "Chatty",
    params: z.object({ n: z.int() }),
    run: (ctx, { n }) => {
      for (let i = 1; i <= n; i++) ctx.log.info(`line ${i}`, { i });
      const cyclic: Record<string, unknown> = { big: 1n };
      cyclic.self = cyclic;
      ctx.log.child({ step: "end" }).warn("odd fields", cyclic);
      throw new Error("boom");
    },
  });
  const session = await welcomed(hub, [Chatty], { log: tap.log });
  const task = Chatty.of({ n: 10 });
  hub.send(grant(task, { epoch: 7, attempt: 2 }));
  const failure = await hub.next("task.fail");
  // The fake clock never fired the batch timer: the lines went out with the outcome.
  const before = hub.frames.slice(0, hub.frames.indexOf(failure));
  const lines = logFrames(before).flatMap((f) => f.lines);
  assert.deepEqual(logFrames(before).map((f) => [f.taskId, f.epoch, f.dropped]), [
    [task.id, 7, 0],
  ]);
  assert.deepEqual(lines.map((l) => l.msg), [
    ...Array.from({ length: 10 }, (_, i) => `line ${i + 1}`),
    "odd fields",
  ]);
  assert.deepEqual(lines[0]!.fields, { i: 1 });
  assert.deepEqual(lines[10]!.fields, {
    step: "end",
    big: "1",
    self: { big: "1", self: "[Circular]" }, // the child's fields were merged into a copy
  });
  assert.equal(lines[10]!.level, "warn");
  const written = await tap.next("line 3");
  assert.deepEqual([written.taskId, written.epoch, written.attempt, written.i], [task.id, 7, 2, 3]);
  await session.close(0);
  assert.equal(session.stats.logLinesDropped, 0);
});

Deno.test("lines written while disconnected go out after the welcome, before the replayed result", async () => {
  await using hub = new FakeHub();
  const clock = new FakeClock();
  const tap = logTap();
  const started = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  const Away = defineTask({
    family: "Away",
    params: z.object({ n: z.int() }),
    run: async (ctx) => {
      ctx.log.info("before");
      started.resolve();
      await gate.promise;
      for (let i = 1; i <= 3; i++) ctx.log.info(`while away ${i}`);
      throw new Error("failed while away");
    },
  });
  const session = await welcomed(hub, [Away], { clock, log: tap.log });
  const task = Away.of({ n: 1 });
  hub.send(grant(task));
  await started.promise;
  clock.advance(200); // the batch timer
  await hub.next("task.log", (f) => f.lines.some((l) => l.msg === "before"));

  hub.down = true;
  await hub.disconnect();
  await tap.next("disconnected from the hub");
  gate.resolve();
  const queued = await tap.next("result queued");
  assert.equal(queued.sent, false, "the failure waits in the outbox");

  const mark = hub.frames.length;
  hub.down = false;
  await hub.welcome(mark);
  const failure = await hub.next("task.fail", (f) => hub.frames.indexOf(f) >= mark);
  const since = hub.frames.slice(mark, hub.frames.indexOf(failure) + 1);
  assert.deepEqual(since.map((f) => f.type), ["hello", "task.log", "task.fail"]);
  assert.deepEqual((since[1] as LogFrame).lines.map((l) => l.msg), [
    "while away 1",
    "while away 2",
    "while away 3",
  ]);
  const closing = session.close(0);
  clock.advance(0);
  await closing;
});

Deno.test("captured console output is shipped with the attempt that printed it, however they interleave", async () => {
  await using hub = new FakeHub();
  const printed: string[] = [];
  const print = (...args: unknown[]) => void printed.push(args.join(" "));
  const fakeConsole = { log: print, info: print, debug: print, warn: print, error: print };
  const capture = new ConsoleCapture(fakeConsole as unknown as Console);
  capture.install();
  try {
    const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    const started = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    const Printer = defineTask({
      family: "Printer",
      params: z.object({ n: z.int() }),
      run: async (_ctx, { n }) => {
        fakeConsole.log("first from", n);
        started[n]!.resolve();
        await gates[n]!.promise;
        await new Promise((resolve) => setTimeout(resolve, 1));
        fakeConsole.warn("%s from %d", "second", n);
        fakeConsole.error({ n });
      },
    });
    const session = await welcomed(hub, [Printer], { slots: 2, taskLogs: { capture } });
    hub.send(grant(Printer.of({ n: 0 }), { epoch: 10 }));
    hub.send(grant(Printer.of({ n: 1 }), { epoch: 11 }));
    await Promise.all(started.map((s) => s.promise));
    gates[1]!.resolve(); // the second finishes first
    await hub.next("task.complete", (f) => f.epoch === 11);
    gates[0]!.resolve();
    await hub.next("task.complete", (f) => f.epoch === 10);
    fakeConsole.log("outside any attempt");

    for (const [epoch, n] of [[10, 0], [11, 1]]) {
      const lines = logFrames(hub.frames, epoch).flatMap((f) => f.lines);
      assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
        ["info", `first from ${n}`],
        ["warn", `second from ${n}`],
        ["error", `{ n: ${n} }`],
      ]);
    }
    assert.deepEqual(printed, ["outside any attempt"]);
    await session.close(0);
  } finally {
    capture.uninstall();
  }
  assert.equal(fakeConsole.log, print, "uninstall() puts the methods back");
});

Deno.test("startWorker({ captureConsole: true }) ships the global console's output during attempts, and restores it on close", async () => {
  await using hub = new FakeHub();
  const original = console.log;
  const Printer = defineTask({
    family: "GlobalPrinter",
    params: z.object({ n: z.int() }),
    run: (_ctx, { n }) => {
      console.log("printed by task", n);
      return Promise.resolve();
    },
  });
  const worker = await startWorker({
    hubUrl: hub.url,
    tasks: [Printer],
    slots: 1,
    log: createLogger({ write: () => {} }),
    captureConsole: true,
  });
  try {
    assert.notEqual(console.log, original, "installed while the worker runs");
    await hub.welcome();
    await worker.ready;
    hub.send(grant(Printer.of({ n: 7 }), { epoch: 3 }));
    await hub.next("task.complete");
    assert.deepEqual(logFrames(hub.frames, 3).flatMap((f) => f.lines.map((l) => l.msg)), [
      "printed by task 7",
    ]);
  } finally {
    await worker.close(0);
  }
  assert.equal(console.log, original, "restored once the worker closed");
});
