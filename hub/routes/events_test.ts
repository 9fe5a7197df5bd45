/** `GET /api/events` through the app: messages, resume, filters, refusals, gaps, shutdown. */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { z } from "zod";
import {
  eventDataSchemas,
  eventGapSchema,
  type EventKind,
  hubEventSchema,
} from "../../shared/api_schemas_events.ts";
import { readSse, type SseMessage, SseParser } from "../../shared/sse_parser.ts";
import { defineTask } from "../../shared/task.ts";
import { type TestApp, testApp } from "../test_app.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date() }),
  run: async () => {},
});

/** An open stream: its next messages, with a bound on the wait. */
async function open(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers });
  if (res.status !== 200) assert.fail(`${path}: ${res.status} ${await res.text()}`);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const parser = new SseParser();
  const messages = readSse(res.body!, parser);
  return {
    parser,
    async next(n: number, timeoutMs = 5_000): Promise<SseMessage[]> {
      const out: SseMessage[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${out.length} of ${n} messages`)), timeoutMs);
      });
      try {
        while (out.length < n) {
          const r = await Promise.race([messages.next(), timeout]);
          if (r.done) throw new Error(`the stream ended after ${out.length} of ${n} messages`);
          out.push(r.value);
        }
      } finally {
        clearTimeout(timer);
      }
      return out;
    },
    /** Resolves once the stream has ended. */
    async ended(): Promise<void> {
      for await (const _ of messages) { /* drain */ }
    },
    close: () => messages.return(undefined),
  };
}

async function submit(t: TestApp, day: string): Promise<{ runId: string; taskId: string }> {
  const res = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ family: "Load", params: { day } }),
  });
  assert.equal(res.status, 201);
  return await res.json();
}

const events = (messages: SseMessage[]) =>
  messages.map((m) => hubEventSchema.parse(JSON.parse(m.data)));

Deno.test("GET /api/events streams what is committed after it began: id, event and data of each", async () => {
  await using t = await testApp([Load]);
  await submit(t, "2026-11-01"); // before the stream: not in it
  const viewer = await t.token("viewer");
  const stream = await open(t, "/api/events", { authorization: `Bearer ${viewer}` });
  const run = await submit(t, "2026-11-02");
  await t.core.runs.cancelRun(run.runId, "test");
  const got = await stream.next(4);
  assert.equal(stream.parser.retryMs, 2_000, "a retry hint comes first");
  assert.deepEqual(got.map((m) => m.event), [
    "task.created",
    "run.created",
    "task.state",
    "run.state",
  ]);
  for (const [i, m] of got.entries()) {
    const e = hubEventSchema.parse(JSON.parse(m.data));
    assert.equal(m.id, String(e.id));
    assert.equal(m.event, e.kind);
    assert.equal(e.atIso, new Date(e.at).toISOString());
    assert.ok(eventDataSchemas[e.kind as EventKind].safeParse(e.data).success, m.data);
    if (i > 0) assert.equal(e.id, Number(got[i - 1]!.id) + 1, "ids follow each other");
  }
  const [created, , cancelled, ended] = events(got);
  assert.deepEqual([created!.taskId, created!.runId], [run.taskId, null]);
  assert.deepEqual([cancelled!.data.from, cancelled!.data.to], ["ready", "cancelled"]);
  assert.deepEqual([ended!.runId, ended!.data.to], [run.runId, "cancelled"]);
  await stream.close();
});

Deno.test("GET /api/events resumes after Last-Event-ID (or after=, which the header overrides), in order", async () => {
  await using t = await testApp([Load]);
  for (const day of ["2026-11-01", "2026-11-02", "2026-11-03"]) await submit(t, day);
  const all = events(await (await open(t, "/api/events?after=0")).next(6));
  assert.deepEqual(all.map((e) => e.id), [1, 2, 3, 4, 5, 6]);
  const resumed = await open(t, "/api/events?after=0", { "last-event-id": "4" });
  assert.deepEqual(events(await resumed.next(2)).map((e) => e.id), [5, 6]);
  await submit(t, "2026-11-04");
  assert.deepEqual(events(await resumed.next(2)).map((e) => e.id), [7, 8], "then live");
  await resumed.close();
});

Deno.test("GET /api/events filters by kind (names and prefixes), task and run", async () => {
  await using t = await testApp([Load]);
  const a = await submit(t, "2026-11-01");
  const b = await submit(t, "2026-11-02");
  await t.core.runs.cancelRun(b.runId, "test");
  const kinds = await open(t, "/api/events?after=0&kind=run.*");
  assert.deepEqual(
    events(await kinds.next(3)).map((e) => `${e.kind} ${e.runId}`),
    [`run.created ${a.runId}`, `run.created ${b.runId}`, `run.state ${b.runId}`],
  );
  const task = await open(t, `/api/events?after=0&task=${b.taskId}&kind=task.state,task.created`);
  assert.deepEqual(events(await task.next(2)).map((e) => `${e.kind} ${e.data.to}`), [
    "task.created ready",
    "task.state cancelled",
  ]);
  const run = await open(t, `/api/events?after=0&run=${a.runId}`);
  await t.core.runs.cancelRun(a.runId, "test");
  assert.deepEqual(events(await run.next(4)).map((e) => `${e.kind} ${e.data.to}`), [
    "task.created ready",
    "run.created running",
    "task.state cancelled",
    "run.state cancelled",
  ]);
  await Promise.all([kinds.close(), task.close(), run.close()]);
});

Deno.test("GET /api/events refuses bad filters and ids with a 400 naming them, an unknown run with a 404", async () => {
  await using t = await testApp([Load]);
  const problem = async (path: string, headers: Record<string, string> = {}) => {
    const res = await t.app.request(path, { headers });
    const body = await res.json();
    return [res.status, body.field, body.detail];
  };
  const [status, field, detail] = await problem("/api/events?kind=task.state,task.done");
  assert.deepEqual([status, field], [400, "kind"]);
  assert.match(detail, /"task\.done" is not a kind of event: use run\.created, /);
  assert.deepEqual((await problem("/api/events?after=-1")).slice(0, 2), [400, "after"]);
  const header = await problem("/api/events", { "last-event-id": "abc" });
  assert.deepEqual(header, [
    400,
    "Last-Event-ID",
    'Invalid header "Last-Event-ID": "abc" is not an event id',
  ]);
  assert.deepEqual(await problem("/api/events?run=run_nope"), [
    404,
    undefined,
    'Run "run_nope" does not exist',
  ]);
  assert.equal(t.core.events.streams, 0, "a refused stream holds no place");
});

Deno.test("GET /api/events says first when the events after the id asked for were pruned", async () => {
  await using t = await testApp([Load]);
  for (const day of ["2026-11-01", "2026-11-02", "2026-11-03"]) await submit(t, day);
  await t.core.queue.write((tx) => tx.run(sql`DELETE FROM events WHERE id <= 3`));
  const stream = await open(t, "/api/events", { "last-event-id": "1" });
  const [gap, next] = await stream.next(2);
  assert.equal(gap!.event, "gap");
  assert.equal(gap!.id, "", "a gap has no id: the client's last id stays put");
  const notice = eventGapSchema.parse(JSON.parse(gap!.data));
  assert.deepEqual([notice.reason, notice.after, notice.resumedAfter], ["pruned", 1, 3]);
  assert.match(notice.message, /^Events 2 to 3 were pruned/);
  assert.equal(next!.id, "4", "then what is kept");
  await stream.close();
});

Deno.test("GET /api/events streams end when the hub stops, even one whose client reads nothing", async () => {
  await using t = await testApp([Load]);
  const reading = await open(t, "/api/events");
  const idle = await t.app.request("/api/events?after=0");
  for (let i = 0; i < 30; i++) await submit(t, `2026-11-${String(i + 1).padStart(2, "0")}`);
  assert.equal(t.core.events.streams, 2);
  await t.core.events.close();
  await reading.ended();
  assert.equal(t.core.events.streams, 0);
  const rest = await idle.text();
  assert.match(rest, /^retry: 2000\n\n/, "the idle one ends too");
  const refused = await t.app.request("/api/events");
  assert.equal(refused.status, 503);
  assert.equal((await refused.json()).code, "hub_stopping");
});
