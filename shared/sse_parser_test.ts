import assert from "node:assert/strict";
import { readSse, SseParser } from "./sse_parser.ts";

Deno.test("SseParser reads fields, joins data lines and dispatches on a blank line", () => {
  const parser = new SseParser();
  const messages = parser.push(
    'retry: 2000\n\nid: 7\nevent: task.state\ndata: {"a":1,\ndata:  "b":2}\n\n: ping\n\n' +
      "data: plain\n\n",
  );
  assert.deepEqual(messages, [
    { event: "task.state", data: '{"a":1,\n "b":2}', id: "7" },
    { event: "message", data: "plain", id: "7" },
  ]);
  assert.equal(parser.retryMs, 2000);
  assert.equal(parser.comments, 1);
  assert.equal(parser.lastEventId, "7");
});

Deno.test("SseParser takes LF, CR and CRLF line ends, even split between pieces", () => {
  const text = "\ufeffid: 1\r\ndata: a\r\rid: 2\rdata: b\r\n\r\nevent: x\ndata\n\n";
  const whole = new SseParser().push(text);
  assert.deepEqual(whole, [
    { event: "message", data: "a", id: "1" },
    { event: "message", data: "b", id: "2" },
    { event: "x", data: "", id: "2" },
  ]);
  // Every split point, one character at a time too: the same messages.
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new SseParser();
    const got = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    assert.deepEqual(got, whole, `cut at ${cut}`);
  }
  const slow = new SseParser();
  assert.deepEqual([...text].flatMap((ch) => slow.push(ch)), whole);
});

Deno.test("SseParser keeps the id of a message without data, and ignores a bad retry or an id with NUL", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("id: 5\n\nretry: soon\nid: 6\0\n\ndata: x\n\n"), [
    { event: "message", data: "x", id: "5" },
  ]);
  assert.equal(parser.retryMs, null);
});

Deno.test("readSse() yields a body's messages as they arrive and drops one cut off", async () => {
  const bytes = new TextEncoder().encode("id: 1\ndata: é\n\nid: 2\ndata: cut");
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // A two-byte character split between chunks.
      const at = bytes.indexOf(0xc3) + 1;
      controller.enqueue(bytes.slice(0, at));
      controller.enqueue(bytes.slice(at));
      controller.close();
    },
  });
  const parser = new SseParser();
  const got = [];
  for await (const m of readSse(body, parser)) got.push(m);
  assert.deepEqual(got, [{ event: "message", data: "é", id: "1" }]);
  assert.equal(parser.lastEventId, "2", "the id line came before the end");
});

Deno.test("readSse() cancels the body when the loop stops early", async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode("data: tick\n\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const m of readSse(body)) {
    assert.equal(m.data, "tick");
    break;
  }
  assert.ok(cancelled);
});

Deno.test("readSse() stops waiting and cancels the body when its signal aborts", async () => {
  let cancelled: unknown = null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("data: first\n\n"));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const ac = new AbortController();
  const got: string[] = [];
  const reading = (async () => {
    for await (const m of readSse(body, new SseParser(), ac.signal)) got.push(m.data);
  })();
  await new Promise((resolve) => setTimeout(resolve, 10));
  ac.abort(new Error("done waiting"));
  await assert.rejects(reading, /done waiting/);
  assert.deepEqual(got, ["first"]);
  assert.match(String(cancelled), /done waiting/);
});
