/**
 * Test helpers for the session: a fake hub on loopback (a WebSocket server
 * that speaks the protocol's frames, and can drop the worker and refuse it
 * for a while), a fake clock driving the grace time, renewals and log
 * batches, a log tap, and a session already welcomed.
 */
import { z } from "zod";
import { createLogger, type Logger } from "../shared/log.ts";
import {
  type HubFrame,
  type LeaseGrant,
  PROTOCOL_VERSION,
  type WorkerFrame,
  workerFrameSchema,
} from "../shared/protocol.ts";
import { framesOf } from "../shared/frame_coalescer.ts";
import { defineTask, delay } from "../shared/mod.ts";
import type { AnyTaskFamily, AnyTaskInstance } from "../shared/task.ts";
import type { Clock } from "./clock.ts";
import type { TaskLogOptions } from "./task_log_limits.ts";
import { Outbox } from "./outbox.ts";
import { Session } from "./session.ts";
import { StagingJournal } from "./staging_journal.ts";

type Frame<T extends WorkerFrame["type"]> = Extract<WorkerFrame, { type: T }>;

/** A hub that records the worker's frames and sends what the test tells it to. */
export class FakeHub {
  readonly frames: WorkerFrame[] = [];
  /** WebSocket messages received (a batch is one, whatever it carries). */
  messages = 0;
  /** The protocol the welcome offers. */
  protocol = PROTOCOL_VERSION;
  readonly disconnected = Promise.withResolvers<void>();
  /** While true, connections are refused (503): the worker keeps retrying. */
  down = false;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #waiters = new Set<(frame: WorkerFrame) => void>();
  #socket: WebSocket | null = null;

  constructor() {
    this.#server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
      if (this.down) return new Response("down", { status: 503 });
      const { socket, response } = Deno.upgradeWebSocket(request);
      this.#socket = socket;
      socket.onmessage = (event) => {
        const json = JSON.parse(String(event.data));
        this.messages++;
        const items = framesOf(json);
        if (!items) throw new Error(`a bad batch frame: ${String(event.data).slice(0, 200)}`);
        for (const item of items) {
          const frame = workerFrameSchema.parse(item);
          this.frames.push(frame);
          for (const wake of [...this.#waiters]) wake(frame);
        }
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

  /** Closes the worker's socket from this side and waits until it is closed. */
  async disconnect(): Promise<void> {
    const socket = this.#socket!;
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
    socket.close(1012, "fake hub restarting");
    await closed;
  }

  /** Welcomes the worker whose hello is the first after frame `mark` (a count of frames). */
  async welcome(mark = 0): Promise<void> {
    const hello = await this.next("hello", (f) => this.frames.indexOf(f) >= mark);
    this.send({
      type: "welcome",
      protocol: this.protocol,
      hubId: "fake",
      workerId: hello.workerId,
      leaseTtlMs: 15_000,
    });
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
export class FakeClock implements Clock {
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
export function logTap(): { log: Logger; next(msg: string): Promise<Record<string, unknown>> } {
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
export async function welcomed(
  hub: FakeHub,
  families: readonly AnyTaskFamily[],
  options: {
    clock?: Clock;
    log?: Logger;
    stateDir?: string;
    slots?: number;
    prefetch?: number;
    coalesceMs?: number;
    taskLogs?: TaskLogOptions;
  } = {},
): Promise<Session> {
  const slots = options.slots ?? 1;
  const session = new Session({
    hubUrl: hub.url,
    families,
    labels: {},
    slots,
    prefetch: options.prefetch ?? 0,
    coalesceMs: options.coalesceMs,
    name: "session-test",
    log: options.log ?? createLogger({ write: () => {} }),
    outbox: await Outbox.open(options.stateDir),
    journal: await StagingJournal.open(options.stateDir, []),
    workerId: "w_0123456789abcdef",
    clock: options.clock ?? new FakeClock(),
    taskLogs: options.taskLogs,
  });
  session.start();
  await hub.welcome();
  await session.ready;
  await hub.next("lease.credit", (f) => f.free === slots);
  return session;
}

/** A run grant of `task` (epoch 1, attempt 1), with `overrides`. */
export function grant(task: AnyTaskInstance, overrides: Partial<LeaseGrant> = {}): LeaseGrant {
  return {
    type: "lease.grant",
    kind: "run",
    taskId: task.id,
    family: task.family.name,
    version: task.family.version,
    params: task.params,
    attempt: 1,
    epoch: 1,
    ttlMs: 15_000,
    ...overrides,
  };
}

/** A task that waits, honouring its signal, and reports the signal's reason. */
export function hangingTask() {
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

export const results = (hub: FakeHub) =>
  hub.frames.filter((f) => f.type === "task.complete" || f.type === "task.fail");
