import assert from "node:assert/strict";
import { readSse, type SseEvent } from "./read_sse.ts";

/** A body that delivers `chunks` one at a time. */
function body(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return ReadableStream.from(chunks.map((c) => encoder.encode(c)));
}

async function all(chunks: readonly string[]): Promise<SseEvent[]> {
  return await Array.fromAsync(readSse(body(chunks)));
}

Deno.test("readSse() reads named events with ids and data, ignoring comments", async () => {
  assert.deepEqual(
    await all([
      ": keep-alive\n\n",
      'event: line\nid: 7\ndata: {"msg":"a"}\n\n',
      "data: plain\n\n",
      "event: end\ndata: {}\n\n",
    ]),
    [
      { event: "line", data: '{"msg":"a"}', id: "7" },
      { event: "message", data: "plain", id: "7" },
      { event: "end", data: "{}", id: "7" },
    ],
  );
});

Deno.test("readSse() joins data lines and reads events split anywhere across chunks", async () => {
  const text = "id: 1\ndata: first\ndata:second\n\nid: 2\ndata: x\n\n";
  const whole = await all([text]);
  assert.deepEqual(whole, [
    { event: "message", data: "first\nsecond", id: "1" },
    { event: "message", data: "x", id: "2" },
  ]);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(await all([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
  }
});

Deno.test("readSse() takes CRLF and CR line ends, drops events without data and an unfinished one", async () => {
  assert.deepEqual(await all(["event: a\r\ndata: 1\r\n\r\n", "event: b\r\rdata: 2\r", "\r"]), [
    { event: "a", data: "1", id: null },
    { event: "message", data: "2", id: null },
  ]);
  assert.deepEqual(await all(["event: lonely\n\n", "data: cut short"]), []);
});
