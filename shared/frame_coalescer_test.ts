import assert from "node:assert/strict";
import { ALONE_CHARS, FrameCoalescer, framesOf, MAX_BATCH_FRAMES } from "./frame_coalescer.ts";

function coalescer(options: { maxBytes?: number; windowMs?: number } = {}) {
  const written: string[] = [];
  let open = true;
  const c = new FrameCoalescer({
    write: (text) => {
      written.push(text);
      return true;
    },
    open: () => open,
    maxBytes: options.maxBytes ?? 1 << 20,
    windowMs: options.windowMs ?? 0,
    immediate: (fn) => setTimeout(fn, 0),
  });
  return { c, written, close: () => (open = false) };
}

const sent = (text: string) => JSON.parse(text) as { type: string; frames?: { type: string }[] };

Deno.test("FrameCoalescer sends each frame at once until batching is on", () => {
  const { c, written } = coalescer();
  assert.equal(c.send({ type: "a" }), true);
  assert.equal(c.send({ type: "b" }), true);
  assert.deepEqual(written.map((t) => sent(t).type), ["a", "b"]);
});

Deno.test("FrameCoalescer sends frames of one window as one batch, and a lone frame as itself", async () => {
  const { c, written } = coalescer({ windowMs: 5 });
  c.enabled = true;
  c.send({ type: "a" });
  c.send({ type: "b" });
  assert.equal(written.length, 0, "nothing before the window closes");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(written.length, 1);
  assert.deepEqual(sent(written[0]!), { type: "batch", frames: [{ type: "a" }, { type: "b" }] });
  c.send({ type: "c" });
  c.flush();
  assert.deepEqual(sent(written[1]!), { type: "c" });
  assert.equal(written.length, 2, "two messages, three frames");
});

Deno.test("FrameCoalescer keeps only the latest frame of a replaceable kind, in its new place", () => {
  const { c, written } = coalescer();
  c.enabled = true;
  c.send({ type: "credit", free: 1 } as { type: string }, "credit");
  c.send({ type: "complete" });
  c.send({ type: "credit", free: 2 } as { type: string }, "credit");
  c.flush();
  assert.deepEqual(sent(written[0]!).frames, [{ type: "complete" }, { type: "credit", free: 2 }]);
});

Deno.test("FrameCoalescer starts a new message before one would pass its byte or frame limit", () => {
  const { c, written } = coalescer({ maxBytes: 1_000 });
  c.enabled = true;
  for (let i = 0; i < 5; i++) c.send({ type: "x", pad: "y".repeat(100) } as { type: string });
  c.flush();
  assert.ok(written.length > 1, "split into several messages");
  for (const text of written) assert.ok(text.length <= 1_000, `${text.length} bytes`);
  assert.equal(written.flatMap((t) => sent(t).frames ?? [sent(t)]).length, 5, "nothing lost");

  const many = coalescer();
  many.c.enabled = true;
  for (let i = 0; i < MAX_BATCH_FRAMES + 1; i++) many.c.send({ type: "x" });
  many.c.flush();
  assert.deepEqual(many.written.map((t) => sent(t).frames?.length ?? 1), [MAX_BATCH_FRAMES, 1]);
});

Deno.test("FrameCoalescer refuses frames while the socket is closed, and clear() forgets what waits", () => {
  const { c, written, close } = coalescer();
  c.enabled = true;
  c.send({ type: "a" });
  c.clear();
  c.flush();
  assert.equal(written.length, 0);
  close();
  assert.equal(c.send({ type: "b" }), false);
});

Deno.test("FrameCoalescer with no window sends what one task sent, with its promise jobs, together", async () => {
  const { c, written } = coalescer({ windowMs: 0 });
  c.enabled = true;
  c.send({ type: "a" });
  await Promise.resolve();
  queueMicrotask(() => c.send({ type: "b" }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(written.length, 1);
  assert.deepEqual(sent(written[0]!).frames, [{ type: "a" }, { type: "b" }]);
});

Deno.test("FrameCoalescer sends frames marked ahead before the others that wait, each kind in order", () => {
  const { c, written } = coalescer();
  c.enabled = true;
  c.send({ type: "grant", n: 1 } as { type: string });
  c.send({ type: "ack", n: 1 } as { type: string }, undefined, true);
  c.send({ type: "grant", n: 2 } as { type: string });
  c.send({ type: "ack", n: 2 } as { type: string }, undefined, true);
  c.flush();
  assert.deepEqual(sent(written[0]!).frames, [
    { type: "ack", n: 1 },
    { type: "ack", n: 2 },
    { type: "grant", n: 1 },
    { type: "grant", n: 2 },
  ]);
});

Deno.test("FrameCoalescer sends a big frame alone, after what waits", () => {
  const { c, written } = coalescer();
  c.enabled = true;
  c.send({ type: "a" });
  c.send({ type: "b" });
  c.send({ type: "big", pad: "x".repeat(ALONE_CHARS) } as { type: string });
  assert.deepEqual(written.map((t) => sent(t).type), ["batch", "big"]);
});

Deno.test("framesOf() gives a batch's frames, a lone frame as itself, and null for a bad batch", () => {
  assert.deepEqual(framesOf({ type: "batch", frames: [{ type: "a" }, { type: "b" }] }), [
    { type: "a" },
    { type: "b" },
  ]);
  assert.deepEqual(framesOf({ type: "a" }), [{ type: "a" }]);
  assert.equal(framesOf({ type: "batch", frames: [] }), null);
});
