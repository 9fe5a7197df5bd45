import assert from "node:assert/strict";
import type { StoredLogLine } from "../../shared/api_schemas_logs.ts";
import { inTurn, problem, runAgainst } from "../fake_hub.ts";

const TASK = "Load_2026-11-23_ab12";
const AT = Date.UTC(2026, 10, 23, 12, 0, 1, 234);

function line(id: number, over: Partial<StoredLogLine> = {}): StoredLogLine {
  return {
    id,
    attempt: 1,
    epoch: 1,
    workerId: "w_1",
    at: AT + id,
    level: "info",
    msg: `line ${id}`,
    fields: null,
    dropped: 0,
    ...over,
  };
}

/** An SSE answer with `blocks` (already formatted events), in one chunk each. */
function sse(...blocks: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(ReadableStream.from(blocks.map((b) => encoder.encode(b))), {
    headers: { "content-type": "text/event-stream" },
  });
}

const lineEvent = (l: StoredLogLine) => `event: line\nid: ${l.id}\ndata: ${JSON.stringify(l)}\n\n`;
const endEvent = (state: string) =>
  `event: end\ndata: ${JSON.stringify({ taskId: TASK, state })}\n\n`;

Deno.test("logs prints time, attempt, level, message and fields, and markers for dropped lines", async () => {
  const { code, stdout, stderr, requests } = await runAgainst(["logs", TASK], {
    [`GET /api/tasks/${TASK}/logs`]: inTurn({
      taskId: TASK,
      lines: [
        line(1, { fields: { table: "users", rows: 3, note: "two words", nested: { a: [1] } } }),
        line(2, { level: "warn", msg: "dropped by the worker", dropped: 120 }),
        line(3, { attempt: 2, level: "error", msg: "boom" }),
        line(4, { attempt: 2, msg: "dropped by the hub (over its limit)", dropped: 1 }),
      ],
      next: null,
    }),
  });
  assert.equal(code, 0, stderr);
  assert.deepEqual(requests.map((r) => r.path), [`/api/tasks/${TASK}/logs?limit=1000`]);
  assert.equal(
    stdout,
    [
      '2026-11-23 12:00:01.235Z  #1  info   line 1  table=users rows=3 note="two words" nested={"a":[1]}',
      "2026-11-23 12:00:01.236Z  #1  warn   … 120 lines dropped by the worker",
      "2026-11-23 12:00:01.237Z  #2  error  boom",
      "2026-11-23 12:00:01.238Z  #2  info   … 1 line dropped by the hub (over its limit)",
      "",
    ].join("\n"),
  );
});

Deno.test("logs pages through the whole log; --attempt asks for one attempt; --json prints JSON lines", async () => {
  const { code, stdout, requests } = await runAgainst(["logs", TASK, "--attempt", "2", "--json"], {
    [`GET /api/tasks/${TASK}/logs`]: inTurn(
      { taskId: TASK, lines: [line(1), line(2)], next: 2 },
      { taskId: TASK, lines: [line(3)], next: null },
    ),
  });
  assert.equal(code, 0);
  assert.deepEqual(requests.map((r) => r.path), [
    `/api/tasks/${TASK}/logs?attempt=2&limit=1000`,
    `/api/tasks/${TASK}/logs?attempt=2&after=2&limit=1000`,
  ]);
  assert.deepEqual(stdout.trim().split("\n").map((l) => JSON.parse(l).id), [1, 2, 3]);
});

Deno.test("logs says so when there are no lines, and exits 4 for an unknown task", async () => {
  const empty = await runAgainst(["logs", TASK], {
    [`GET /api/tasks/${TASK}/logs`]: inTurn({ taskId: TASK, lines: [], next: null }),
  });
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, "");
  assert.equal(empty.stderr, `No log lines for task ${TASK}\n`);
  const missing = await runAgainst(["logs", "Nope"], {
    "GET /api/tasks/Nope/logs": () => problem(404, "task_not_found", 'Task "Nope" does not exist'),
  });
  assert.equal(missing.code, 4);
  assert.equal(missing.stderr, 'error: Task "Nope" does not exist (task_not_found)\n');
  const following = await runAgainst(["logs", "Nope", "--follow"], {
    "GET /api/tasks/Nope/logs": () => problem(404, "task_not_found", 'Task "Nope" does not exist'),
  });
  assert.equal(following.code, 4);
  assert.equal(following.stderr, missing.stderr);
  const bad = await runAgainst(["logs", TASK, "--attempt", "x"], {});
  assert.equal(bad.code, 2);
});

Deno.test("logs --follow prints lines as they stream and returns when the task ends", async () => {
  const { code, stdout, stderr, requests } = await runAgainst(["logs", TASK, "--follow"], {
    [`GET /api/tasks/${TASK}/logs`]: () =>
      sse(": keep-alive\n\n", lineEvent(line(1)), lineEvent(line(2)), endEvent("failed")),
  });
  assert.equal(code, 0, stderr);
  assert.deepEqual(requests.map((r) => r.path), [`/api/tasks/${TASK}/logs?follow=true`]);
  assert.deepEqual(stdout.trim().split("\n").map((l) => l.slice(l.indexOf("line"))), [
    "line 1",
    "line 2",
  ]);
  assert.equal(stderr, `Task ${TASK} is failed.\n`);
});

Deno.test("logs --follow follows again after the last line when the stream breaks off", async () => {
  const seen: Array<string | null> = [];
  const { code, stdout } = await runAgainst(["logs", TASK, "-f", "--attempt", "1"], {
    [`GET /api/tasks/${TASK}/logs`]: (_body, request) => {
      seen.push(request.headers.get("last-event-id"));
      return seen.length === 1
        ? sse(lineEvent(line(1)), lineEvent(line(2))) // ends without "end": a hub went away
        : sse(lineEvent(line(3)), endEvent("done"));
    },
  });
  assert.equal(code, 0);
  assert.deepEqual(seen, [null, "2"]);
  assert.equal(stdout.trim().split("\n").length, 3);
});

Deno.test("logs --follow fails at once, exit 3, when the hub cannot be reached", async () => {
  const { code, stderr } = await runAgainst(["logs", TASK, "--follow"], {
    [`GET /api/tasks/${TASK}/logs`]: () => {
      throw new TypeError("error sending request: connection refused");
    },
  });
  assert.equal(code, 3);
  assert.match(stderr, /^error: Cannot reach the hub at http:\/\/hub\.test: connection refused/);
});
