import assert from "node:assert/strict";
import { delay } from "./delay.ts";

Deno.test("delay() resolves with undefined", async () => {
  assert.equal(await delay(1), undefined);
});

Deno.test("delay() resolves for zero and negative durations", async () => {
  await delay(0);
  await delay(-5);
});

Deno.test("delay() resolves when given a signal that never aborts", async () => {
  const ac = new AbortController();
  await delay(1, ac.signal);
  // Aborting afterwards is harmless.
  ac.abort(new Error("late"));
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
  const ac = new AbortController();
  let listeners = 0;
  const signal = ac.signal;
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
  await delay(1, signal);
  assert.equal(listeners, 0);
});
