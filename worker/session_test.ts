/**
 * The session against a fake hub on loopback (a WebSocket server that
 * speaks the protocol's frames), with a fake clock driving the grace time
 * and renewals.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { createLogger, type Logger } from "../shared/log.ts";
import {
  type HubFrame,
  PROTOCOL_VERSION,
  type WorkerFrame,
  workerFrameSchema,
} from "../shared/protocol.ts";
import {
  defineTask,
  delay,
  LeaseLostError,
  LocalTarget,
  TaskCancelledError,
  WorkerShutdownError,
} from "../shared/mod.ts";
import type { AnyTaskFamily, AnyTaskInstance } from "../shared/task.ts";
import type { Clock } from "./clock.ts";
import { Outbox } from "./outbox.ts";
import { Session } from "./session.ts";
import { StagingJournal } from "./staging_journal.ts";

type Frame<T extends WorkerFrame["type"]> = Extract<WorkerFrame, { type: T }>;

/** A hub that records the worker's frames and sends what the test tells it to. */
class FakeHub {
  readonly frames: WorkerFrame[] = [];
  readonly disconnected = Promise.withResolvers<void>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #waiters = new Set<(frame: WorkerFrame) => void>();
  #socket: WebSocket | null = null;

  constructor() {
    this.#server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      this.#socket = socket;
      socket.onmessage = (event) => {
        const frame = workerFrameSchema.parse(JSON.parse(String(event.data)));
        this.frames.push(frame);
        for (const wake of [...this.#waiters]) wake(frame);
      };
      socket.onclose = () => this.disconnected.resolve();
      return response;
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  send(frame: HubFrame): void {
    this.#socket!.send(JSON.stringify(frame));
  }

  /** The first frame of `type` that matches, already received or still to come. */
  next<T extends WorkerFrame["type"]>(
    type: T,
    match: (frame: Frame<T>) => boolean = () => true,
  ): Promise<Frame<T>> {
    const fits = (f: WorkerFrame): f is Frame<T> => f.type === type && match(f as Frame<T>);
    const seen = this.frames.find(fits);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const wake = (frame: WorkerFrame) => {
        if (!fits(frame)) return;
        this.#waiters.delete(wake);
        resolve(frame);
      };
      this.#waiters.add(wake);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#server.shutdown();
  }
}

/** Timers that fire only when the test advances time. */
class FakeClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void; every?: number }>();
  now = (): number => this.#now;
  setTimeout = (fn: () => void, ms: number): number => this.#add(fn, ms);
  setInterval = (fn: () => void, ms: number): number => this.#add(fn, ms, Math.max(1, ms));
  clearTimeout = (handle: unknown): void => void this.#timers.delete(handle as number);
  clearInterval = (handle: unknown): void => void this.#timers.delete(handle as number);

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= until)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.#now = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.#timers.delete(id);
      timer.fn();
    }
    this.#now = until;
  }

  #add(fn: () => void, ms: number, every?: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn, every });
    return id;
  }
}

/** Log lines, and a way to wait for one. */
function logTap(): { log: Logger; next(msg: string): Promise<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  const log = createLogger({
    write: (line) => {
      lines.push(JSON.parse(line));
      for (const wake of [...waiters]) wake();
    },
  });
  const next = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const line = lines.find((l) => l.msg === msg);
        if (!line) return;
        waiters.delete(check);
        resolve(line);
      };
      waiters.add(check);
      check();
    });
  return { log, next };
}

/** A session connected to `hub` and welcomed, with one slot. */
async function welcomed(
  hub: FakeHub,
  families: readonly AnyTaskFamily[],
  options: { clock?: Clock; log?: Logger; stateDir?: string } = {},
): Promise<Session> {
  const session = new Session({
    hubUrl: hub.url,
    families,
    labels: {},
    slots: 1,
    name: "session-test",
    log: options.log ?? createLogger({ write: () => {} }),
    outbox: await Outbox.open(options.stateDir),
    journal: await StagingJournal.open(options.stateDir, []),
    workerId: "w_0123456789abcdef",
    clock: options.clock ?? new FakeClock(),
  });
  session.start();
  const hello = await hub.next("hello");
  hub.send({
    type: "welcome",
    protocol: PROTOCOL_VERSION,
    hubId: "fake",
    workerId: hello.workerId,
    leaseTtlMs: 15_000,
  });
  await session.ready;
  await hub.next("lease.credit", (f) => f.free === 1);
  return session;
}

function grant(task: AnyTaskInstance, epoch = 1): HubFrame {
  return {
    type: "lease.grant",
    kind: "run",
    taskId: task.id,
    family: task.family.name,
    version: task.family.version,
    params: task.params,
    attempt: 1,
    epoch,
    ttlMs: 15_000,
  };
}

/** A task that waits, honouring its signal, and reports the signal's reason. */
function hangingTask() {
  const started = Promise.withResolvers<void>();
  const stopped = Promise.withResolvers<unknown>();
  const Hang = defineTask({
    family: "Hang",
    params: z.object({ n: z.int() }),
    run: async (ctx) => {
      started.resolve();
      try {
        await delay(60_000, ctx.signal);
      } finally {
        stopped.resolve(ctx.signal.reason);
      }
    },
  });
  return { Hang, started: started.promise, stopped: stopped.promise };
}

const results = (hub: FakeHub) =>
  hub.frames.filter((f) => f.type === "task.complete" || f.type === "task.fail");

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
  hub.send(grant(task, 4));
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
  hub.send(grant(task, 2));
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
  hub.send({ ...grant(task, 1), kind: "expand" } as HubFrame);
  const expanded = await hub.next("expand.result");
  // Back to back, as a hub sends them: the expansion's ack, then the run's grant.
  hub.send({
    type: "task.ack",
    taskId: task.id,
    key: expanded.key,
    outcome: "accepted",
    message: "",
  });
  hub.send(grant(task, 2));
  const first = await Promise.race([
    started.then(() => "run started"),
    hub.next("lease.release").then((f) => `lease handed back: ${f.reason}`),
  ]);
  assert.equal(first, "run started");
  const closing = session.close(0);
  clock.advance(0);
  await closing;
});
