import assert from "node:assert/strict";
import { delay } from "./delay.ts";

/** A signal that counts the abort listeners added to it and not removed. */
function countedSignal(): { controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  }) as typeof signal.removeEventListener;
  return { controller, listeners: () => listeners };
}

Deno.test("delay() resolves with undefined", async () => {
  assert.equal(await delay(1), undefined);
});

Deno.test("delay() treats zero and negative durations as no wait: they resolve before a longer delay started first", async () => {
  const order: string[] = [];
  const longer = delay(20).then(() => order.push("20 ms"));
  const negative = delay(-5).then((value) => order.push(`-5 ms: ${value}`));
  const zero = delay(0).then((value) => order.push(`0 ms: ${value}`));
  await Promise.all([longer, negative, zero]);
  assert.deepEqual(order, ["-5 ms: undefined", "0 ms: undefined", "20 ms"]);
});

Deno.test("delay() with a signal that never aborts resolves, removes its listener, and ignores a later abort", async () => {
  const { controller, listeners } = countedSignal();
  const p = delay(1, controller.signal);
  assert.equal(listeners(), 1);
  assert.equal(await p, undefined);
  assert.equal(listeners(), 0);
  controller.abort(new Error("late"));
  assert.equal(await p, undefined, "a settled delay stays resolved");
});

Deno.test("delay() rejects with the signal's reason when aborted while waiting", async () => {
  const ac = new AbortController();
  const reason = new Error("shutting down");
  // 60 s: the test ends long before, so a timer left behind would trip the sanitizer.
  const p = delay(60_000, ac.signal);
  ac.abort(reason);
  await assert.rejects(p, (e: unknown) => e === reason);
});

Deno.test("delay() rejects at once with the reason of an already aborted signal", async () => {
  const reason = new Error("already gone");
  await assert.rejects(delay(60_000, AbortSignal.abort(reason)), (e: unknown) => e === reason);
});

Deno.test("delay() rejects with an AbortError when the signal aborts without a reason", async () => {
  const ac = new AbortController();
  const p = delay(60_000, ac.signal);
  ac.abort();
  await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
});

Deno.test("delay() removes its abort listener once the time is up", async () => {
  const { controller, listeners } = countedSignal();
  await delay(1, controller.signal);
  assert.equal(listeners(), 0);
});
