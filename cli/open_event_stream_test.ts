import assert from "node:assert/strict";
import { HubAuthError, HubError, HubUnreachableError } from "./errors.ts";
import { problem } from "./fake_hub.ts";
import { createEventStreamOpener } from "./open_event_stream.ts";

function openerWith(
  handler: (request: Request) => Response | Promise<Response>,
  timeoutMs = 0,
) {
  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(handler(new Request(input, init)));
  return createEventStreamOpener({
    baseUrl: "http://hub.test",
    token: "s3cret",
    tokenSource: "DROVER_TOKEN",
    fetch: fakeFetch as typeof fetch,
    timeoutMs,
  });
}

const sse = (text: string) =>
  new Response(text, { headers: { "content-type": "text/event-stream" } });

Deno.test("openEvents() asks for the run's stream after the last id, with the token", async () => {
  let seen: Request | undefined;
  const open = openerWith((request) => {
    seen = request;
    return sse("id: 8\nevent: task.state\ndata: {}\n\nid: 9\nevent: run.state\ndata: {}\n\n");
  });
  const stream = await open({ run: "run_1" }, "7", new AbortController().signal);
  assert.equal(seen?.url, "http://hub.test/api/events?run=run_1");
  assert.equal(seen?.headers.get("authorization"), "Bearer s3cret");
  assert.equal(seen?.headers.get("last-event-id"), "7");
  assert.equal(seen?.headers.get("accept"), "text/event-stream");
  const events = [];
  for await (const m of stream.messages) events.push(`${m.id} ${m.event}`);
  assert.deepEqual(events, ["8 task.state", "9 run.state"]);
  assert.equal(stream.parser.lastEventId, "9");
});

Deno.test("openEvents() sends no Last-Event-ID at first", async () => {
  let seen: Request | undefined;
  const open = openerWith((request) => (seen = request, sse("")));
  await open({ run: "run_1", kind: "run.*" }, null, new AbortController().signal);
  assert.equal(seen?.headers.has("last-event-id"), false);
  assert.equal(seen?.url, "http://hub.test/api/events?run=run_1&kind=run.*");
});

Deno.test("openEvents() fails as the other requests do: 404, refusals, no hub", async () => {
  const signal = new AbortController().signal;
  const older = openerWith(() => problem(404, "not_found", "No such route: see /api/docs"));
  await assert.rejects(older({}, null, signal), (e: HubError) => e.status === 404);
  const refused = openerWith(() => problem(403, "forbidden", "A worker token cannot stream"));
  await assert.rejects(refused({}, null, signal), (e) => e instanceof HubAuthError);
  const busy = openerWith(() => problem(503, "too_many_streams", "This hub already serves…"));
  await assert.rejects(busy({}, null, signal), (e: HubError) => e.code === "too_many_streams");
  const down = openerWith(() => Promise.reject(new TypeError("connection refused")));
  await assert.rejects(down({}, null, signal), (e) => e instanceof HubUnreachableError);
});

Deno.test("openEvents() bounds the wait for the answer, not the stream", async () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const open = openerWith((request) =>
    new Response(
      new ReadableStream({
        async start(controller) {
          controller.enqueue(encode("id: 1\ndata: a\n\n"));
          // Past the timeout: a request's signal would have ended the stream.
          await new Promise((resolve) => setTimeout(resolve, 80));
          if (request.signal.aborted) controller.error(request.signal.reason);
          else controller.enqueue(encode("id: 2\ndata: b\n\n"));
          controller.close();
        },
      }),
    ), 20);
  const stream = await open({}, null, new AbortController().signal);
  const got = [];
  for await (const m of stream.messages) got.push(m.data);
  assert.deepEqual(got, ["a", "b"]);
});

Deno.test("openEvents() ends the stream when its signal aborts", async () => {
  const open = openerWith(() => new Response(new ReadableStream({ start() {} })));
  const ac = new AbortController();
  const stream = await open({}, null, ac.signal);
  const reading = (async () => {
    for await (const _ of stream.messages) { /* nothing comes */ }
  })();
  ac.abort(new Error("enough"));
  await assert.rejects(reading, /enough/);
});
