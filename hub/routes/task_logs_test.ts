/**
 * `GET /api/tasks/{id}/logs` on an in-memory hub: pages, filters, 404, and
 * the `follow=true` stream (live lines, `Last-Event-ID`, keep-alive, end).
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { TaskLogs } from "../../shared/api_schemas_logs.ts";
import { createLogger, silentLogger } from "../../shared/log.ts";
import type { TaskLogLine } from "../../shared/protocol.ts";
import { defineTask } from "../../shared/task.ts";
import type { WorkerLink } from "../core/worker_links.ts";
import { streamTaskLogs } from "../http/task_log_stream.ts";
import { type TestApp, testApp } from "../test_app.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date() }),
  run: async () => {},
});

/** A submitted task with attempts 1 (epoch 1) and 2 (epoch 2) by worker `w`. */
async function taskWithAttempts(t: TestApp): Promise<string> {
  const res = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ family: "Load", params: { day: "2026-11-23" } }),
  });
  const { taskId } = await res.json();
  await t.core.queue.write((tx) =>
    tx.run(sql`INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at)
      VALUES (${taskId}, 'run', 1, 1, 'w', 0), (${taskId}, 'run', 2, 2, 'w', 0)`)
  );
  return taskId;
}

const link = { workerId: "w" } as WorkerLink;
const lines = (...msgs: string[]): TaskLogLine[] =>
  msgs.map((msg, i) => ({ at: 1_000 + i, level: "info", msg, fields: { i } }));

async function page(t: TestApp, path: string): Promise<TaskLogs> {
  const res = await t.app.request(path);
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

Deno.test("GET /api/tasks/{id}/logs pages a task's lines in order, by attempt, with markers", async () => {
  await using t = await testApp([Load]);
  const taskId = await taskWithAttempts(t);
  await t.core.workers.logs(link, taskId, 1, lines("a1", "a2"), 0);
  await t.core.workers.logs(link, taskId, 2, lines("b1"), 120);
  const all = await page(t, `/api/tasks/${taskId}/logs`);
  assert.equal(all.taskId, taskId);
  assert.equal(all.next, null);
  assert.deepEqual(all.lines.map((l) => [l.attempt, l.epoch, l.msg, l.dropped]), [
    [1, 1, "a1", 0],
    [1, 1, "a2", 0],
    [2, 2, "dropped by the worker", 120],
    [2, 2, "b1", 0],
  ]);
  assert.deepEqual(all.lines[0], {
    id: all.lines[0]!.id,
    attempt: 1,
    epoch: 1,
    workerId: "w",
    at: 1_000,
    level: "info",
    msg: "a1",
    fields: { i: 0 },
    dropped: 0,
  });
  assert.equal(all.lines[2]!.fields, null);
  const second = await page(t, `/api/tasks/${taskId}/logs?attempt=2`);
  assert.deepEqual(second.lines.map((l) => l.msg), ["dropped by the worker", "b1"]);
  const first = await page(t, `/api/tasks/${taskId}/logs?limit=3`);
  assert.equal(first.next, first.lines[2]!.id);
  const rest = await page(t, `/api/tasks/${taskId}/logs?limit=3&after=${first.next}`);
  assert.deepEqual(rest.lines.map((l) => l.msg), ["b1"]);
  assert.equal(rest.next, null);
});

Deno.test("GET /api/tasks/{id}/logs is a 404 for an unknown task and a 400 for a bad query", async () => {
  await using t = await testApp([Load]);
  const missing = await t.app.request("/api/tasks/Nope_1_ab/logs");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).code, "task_not_found");
  const taskId = await taskWithAttempts(t);
  for (const query of ["attempt=-1", "after=x", "limit=0", "follow=yes"]) {
    const res = await t.app.request(`/api/tasks/${taskId}/logs?${query}`);
    assert.equal(res.status, 400, query);
    await res.body?.cancel();
  }
  const res = await t.app.request(`/api/tasks/${taskId}/logs?follow=true`, {
    headers: { "last-event-id": "abc" },
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, "invalid_header");
});

/** The events of an SSE stream as they come: `{ event, id, data }`, comments as `{ comment }`. */
async function* events(body: ReadableStream<Uint8Array>) {
  let buffered = "";
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event: Record<string, string> = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) event.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(":");
          event[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
        }
      }
      yield event;
    }
  }
}

Deno.test("follow=true streams the stored lines, then new ones, then ends when the task does", async () => {
  await using t = await testApp([Load]);
  const taskId = await taskWithAttempts(t);
  await t.core.workers.logs(link, taskId, 1, lines("old"), 0);
  const res = await t.app.request(`/api/tasks/${taskId}/logs?follow=true`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const seen: Array<Record<string, string>> = [];
  for await (const event of events(res.body!)) {
    seen.push(event);
    const data = event.data ? JSON.parse(event.data) : null;
    if (data?.msg === "old") await t.core.workers.logs(link, taskId, 2, lines("new"), 0);
    if (data?.msg === "new") await t.core.runs.cancelTask(taskId, "test");
  }
  assert.deepEqual(seen.map((e) => [e.event, JSON.parse(e.data!).msg ?? JSON.parse(e.data!)]), [
    ["line", "old"],
    ["line", "new"],
    ["end", { taskId, state: "cancelled" }],
  ]);
  assert.equal(seen[1]!.id, String(JSON.parse(seen[1]!.data!).id));
});

Deno.test("follow=true resumes after the line Last-Event-ID names, whatever after says", async () => {
  await using t = await testApp([Load]);
  const taskId = await taskWithAttempts(t);
  await t.core.workers.logs(link, taskId, 1, lines("one", "two", "three"), 0);
  await t.core.runs.cancelTask(taskId, "test");
  const { lines: stored } = await page(t, `/api/tasks/${taskId}/logs`);
  const res = await t.app.request(`/api/tasks/${taskId}/logs?follow=true&after=0`, {
    headers: { "last-event-id": String(stored[0]!.id) },
  });
  const seen = [];
  for await (const event of events(res.body!)) seen.push(event);
  assert.deepEqual(seen.map((e) => e.event === "end" ? "end" : JSON.parse(e.data!).msg), [
    "two",
    "three",
    "end",
  ]);
});

Deno.test("streamTaskLogs() sends keep-alives while nothing happens, and ends when the hub closes", async () => {
  await using t = await testApp([Load]);
  const taskId = await taskWithAttempts(t);
  const app = new Hono();
  const options = { taskId, after: 0, pollMs: 5, keepAliveMs: 20, log: silentLogger };
  app.get("/", (c) => streamTaskLogs(c, t.core, options));
  const res = await app.request("/");
  const seen: Array<Record<string, string>> = [];
  for await (const event of events(res.body!)) {
    seen.push(event);
    if (seen.length === 2) t.core.beginClosing();
  }
  assert.deepEqual(seen, [{ comment: "keep-alive" }, { comment: "keep-alive" }], "no end event");
});

Deno.test("streamTaskLogs() reports a stream that fails in the hub's log and ends it with an error event", async () => {
  await using t = await testApp([Load]);
  const taskId = await taskWithAttempts(t);
  const warnings: Array<Record<string, unknown>> = [];
  const log = createLogger({ write: (line) => warnings.push(JSON.parse(line)) });
  const app = new Hono();
  app.get("/", (c) => streamTaskLogs(c, t.core, { taskId, after: 0, pollMs: 5, log }));
  const res = await app.request("/");
  const seen: Array<Record<string, string>> = [];
  // Every later read fails: the queue is closed, and so is the database.
  await t.core.queue.close();
  t.database.close();
  for await (const event of events(res.body!)) seen.push(event);
  assert.deepEqual(seen.map((e) => e.event), ["error"]);
  assert.deepEqual(warnings.map((w) => [w.msg, w.taskId]), [["task log stream failed", taskId]]);
});
