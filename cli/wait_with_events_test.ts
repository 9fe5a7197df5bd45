import assert from "node:assert/strict";
import { readSse, SseParser } from "../shared/sse_parser.ts";
import { HubError, HubUnreachableError } from "./errors.ts";
import type { EventStream } from "./open_event_stream.ts";
import { type EventWaitOptions, waitWithEvents } from "./wait_with_events.ts";

/** A stream the test writes to. */
function fakeStream(signal: AbortSignal) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const parser = new SseParser();
  const stream: EventStream = { messages: readSse(body, parser, signal), parser };
  return {
    stream,
    send: (id: number, kind = "task.state") =>
      controller.enqueue(new TextEncoder().encode(`id: ${id}\nevent: ${kind}\ndata: {}\n\n`)),
    fail: () => controller.error(new TypeError("connection reset")),
  };
}

/**
 * A wait on a fake clock: each pause advances it, runs `script(t)`, then
 * lets other tasks run (the listener reads what the script sent); `ended(t, fetches)` says when the run is done.
 */
async function wait(
  options: Partial<EventWaitOptions<{ state: string }>> & {
    script?: (t: number) => void;
    ended: (t: number, fetches: number) => boolean;
  },
) {
  let t = 0;
  const fetchedAt: number[] = [];
  let ticks = 0;
  const status = await waitWithEvents({
    fetchStatus: () => {
      fetchedAt.push(t);
      return Promise.resolve({ state: options.ended(t, fetchedAt.length) ? "done" : "running" });
    },
    onUpdate: () => {},
    onTick: () => ticks++,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      options.script?.(t);
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    pollMs: 200,
    reconnectDelay: (_, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 1);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        }, { once: true });
      }),
    openEvents: (_, signal) => Promise.resolve(fakeStream(signal).stream),
    ...options,
  });
  return { status, fetchedAt, ticks };
}

Deno.test("waitWithEvents() without events fetches the status only every 5 s, and ticks between", async () => {
  const { status, fetchedAt, ticks } = await wait({ ended: (_, n) => n === 3 });
  assert.equal(status.state, "done");
  assert.deepEqual(fetchedAt, [0, 5_000, 10_000]);
  assert.equal(ticks, 2 * 19, "a tick every 250 ms between fetches");
});

Deno.test("waitWithEvents() fetches as soon as an event comes, then at most every 250 ms", async () => {
  let send: ((id: number) => void) | undefined;
  const { fetchedAt } = await wait({
    openEvents: (_, signal) => {
      const fake = fakeStream(signal);
      send = fake.send;
      return Promise.resolve(fake.stream);
    },
    // One event at 1 s; then a burst, one every 50 ms from 3 s to 4 s.
    script: (t) => {
      if (t === 1_000 || (t >= 3_000 && t <= 4_000)) send!(t);
    },
    ended: (t) => t >= 4_000,
  });
  assert.deepEqual(fetchedAt.slice(0, 2), [0, 1_000], "at once after the event");
  const burst = fetchedAt.filter((t) => t >= 3_000);
  assert.deepEqual(burst, [3_000, 3_250, 3_500, 3_750, 4_000]);
});

Deno.test("waitWithEvents() reopens a dropped stream after the last event id, polling meanwhile", async () => {
  const asked: Array<string | null> = [];
  let fail: (() => void) | undefined;
  let send: ((id: number) => void) | undefined;
  let reopen: (() => void) | undefined;
  const { fetchedAt } = await wait({
    openEvents: (lastEventId, signal) => {
      asked.push(lastEventId);
      const fake = fakeStream(signal);
      fail = fake.fail;
      send = fake.send;
      return Promise.resolve(fake.stream);
    },
    // Back 800 ms after the drop.
    reconnectDelay: (_, signal) =>
      new Promise((resolve, reject) => {
        reopen = () => resolve();
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    script: (t) => {
      if (t === 500) send!(7);
      if (t === 750) fail!();
      if (t === 1_550) reopen!();
    },
    ended: (t) => t >= 6_000,
  });
  assert.deepEqual(asked, [null, "7"]);
  assert.deepEqual(fetchedAt.slice(0, 6), [0, 500, 750, 950, 1_150, 1_350], "polled while down");
  assert.equal(fetchedAt.length, 7);
  assert.ok(fetchedAt[6]! >= 1_350 + 5_000, "no polling once the stream is back");
});

Deno.test("waitWithEvents() polls every pollMs a hub without the stream (404) or refusing it", async () => {
  for (const refusal of [404, 403, 400]) {
    let opened = 0;
    const { fetchedAt } = await wait({
      openEvents: () => {
        opened++;
        return Promise.reject(new HubError(refusal, "not_found", "No such route"));
      },
      ended: (_, n) => n === 3,
    });
    assert.deepEqual(fetchedAt, [0, 200, 400], `${refusal}`);
    assert.equal(opened, 1, "not asked again");
  }
});

Deno.test("waitWithEvents() polls while the stream cannot be opened, and uses it once it can", async () => {
  const opened: string[] = [];
  const { fetchedAt } = await wait({
    openEvents: (_, signal) => {
      opened.push("open");
      if (opened.length <= 2) {
        return Promise.reject(
          opened.length === 1
            ? new HubUnreachableError("http://hub.test", "connection refused")
            : new HubError(503, "too_many_streams", "busy"),
        );
      }
      return Promise.resolve(fakeStream(signal).stream);
    },
    ended: (t) => t >= 6_000,
  });
  assert.equal(opened.length, 3);
  assert.deepEqual(fetchedAt.slice(0, 2), [0, 200], "polled at first");
  const lastGap = fetchedAt.at(-1)! - fetchedAt.at(-2)!;
  assert.ok(lastGap >= 5_000, `then only the safety poll: ${fetchedAt}`);
});

Deno.test("waitWithEvents() fetches the first status only once the stream is open", async () => {
  const order: string[] = [];
  let t = 0;
  const status = await waitWithEvents({
    fetchStatus: () => {
      order.push("fetch");
      return Promise.resolve({ state: "done" });
    },
    onUpdate: () => {},
    onTick: () => {},
    now: () => t,
    sleep: (ms) => Promise.resolve(void (t += ms)),
    pollMs: 200,
    openEvents: async (_, signal) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push("open");
      return fakeStream(signal).stream;
    },
  });
  assert.equal(status.state, "done");
  assert.deepEqual(order, ["open", "fetch"]);
});
