/**
 * The log shipper alone: a recording `send` that can refuse (no socket), a
 * settable socket backlog, and a fake clock driving the batch timer.
 */
import assert from "node:assert/strict";
import { createLogger, type LogLevel } from "../shared/log.ts";
import { MAX_LOG_MESSAGE_CHARS, type WorkerFrame, workerFrameSchema } from "../shared/protocol.ts";
import { LogShipper } from "./log_shipper.ts";
import type { TaskLogLimits } from "./task_log_limits.ts";
import { FakeClock } from "./test_session.ts";
import { newWorkerStats } from "./worker_stats.ts";

type LogFrame = Extract<WorkerFrame, { type: "task.log" }>;

/** An attempt's log with a method per level, as task code sees it through `ctx.log`. */
function open(logs: LogShipper, taskId: string, epoch: number) {
  const log = logs.open(taskId, epoch);
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) =>
    log.write(level, msg, fields);
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    end: log.end,
  };
}

function shipper(limits: Partial<TaskLogLimits> = {}) {
  const clock = new FakeClock();
  const stats = newWorkerStats();
  const sent: LogFrame[] = [];
  const warnings: string[] = [];
  const link = { open: true, backlog: 0 };
  const logs = new LogShipper({
    send: (frame) => {
      if (!link.open) return false;
      // What the hub would parse: the frame must be valid JSON of the protocol.
      sent.push(workerFrameSchema.parse(JSON.parse(JSON.stringify(frame))) as LogFrame);
      return true;
    },
    backlog: () => link.backlog,
    clock,
    stats,
    log: createLogger({ write: (line) => warnings.push(JSON.parse(line).msg) }),
    limits,
  });
  const messages = () => sent.map((f) => [f.dropped, ...f.lines.map((l) => l.msg)]);
  return { logs, clock, stats, sent, warnings, link, messages };
}

Deno.test("lines wait for their batch: one frame per attempt after the flush interval", () => {
  const { logs, clock, sent } = shipper();
  const a = open(logs, "A_1_ab", 3);
  const b = open(logs, "B_1_cd", 4);
  clock.advance(1_000);
  a.info("one", { n: 1 });
  b.warn("other");
  a.error("two");
  clock.advance(199);
  assert.equal(sent.length, 0, "nothing before 200 ms");
  clock.advance(1);
  assert.deepEqual(sent, [
    {
      type: "task.log",
      taskId: "A_1_ab",
      epoch: 3,
      dropped: 0,
      lines: [
        { at: 1_000, level: "info", msg: "one", fields: { n: 1 } },
        { at: 1_000, level: "error", msg: "two" },
      ],
    },
    {
      type: "task.log",
      taskId: "B_1_cd",
      epoch: 4,
      dropped: 0,
      lines: [{ at: 1_000, level: "warn", msg: "other" }],
    },
  ]);
  assert.equal(logs.size, 0);
});

Deno.test("a full frame's worth of lines goes at once, in frames of at most 1,000 lines", () => {
  const { logs, clock, sent } = shipper();
  const a = open(logs, "A_1_ab", 1);
  for (let i = 0; i < 2_500; i++) a.info(`line ${i}`);
  clock.advance(0);
  assert.deepEqual(sent.map((f) => f.lines.length), [1_000, 1_000, 500], "without waiting 200 ms");
  assert.equal(sent.flatMap((f) => f.lines).map((l) => l.msg).at(-1), "line 2499");
});

Deno.test("a full buffer drops new lines, counts them, and reports them after the lines before", () => {
  const { logs, clock, stats, link, messages, warnings } = shipper({ bufferLines: 3 });
  link.open = false;
  const a = open(logs, "A_1_ab", 1);
  for (const msg of ["1", "2", "3", "4", "5"]) a.info(msg);
  clock.advance(200);
  assert.equal(stats.logLinesDropped, 2);
  assert.deepEqual(warnings, ["task log buffer full: lines are dropped"]);
  link.open = true;
  logs.flush(); // the welcome after a reconnect
  a.info("6");
  a.info("7");
  clock.advance(200);
  assert.deepEqual(messages(), [[0, "1", "2", "3"], [2], [0, "6", "7"]]);
});

Deno.test("drops at the end of an attempt are reported on their own", () => {
  const { logs, stats, link, messages } = shipper({ bufferLines: 1 });
  link.open = false;
  const a = open(logs, "A_1_ab", 1);
  for (const msg of ["1", "2", "3"]) a.info(msg);
  link.open = true;
  a.end();
  assert.deepEqual(messages(), [[0, "1"], [2]]);
  assert.equal(stats.logLinesDropped, 2);
});

Deno.test("the buffer is bounded in bytes as well as in lines", () => {
  const { logs, clock, stats, link, messages } = shipper({ bufferBytes: 25 });
  link.open = false;
  const a = open(logs, "A_1_ab", 1);
  a.info("x".repeat(10));
  a.info("y".repeat(10));
  a.info("z".repeat(10)); // 30 bytes: over
  a.info("w");
  link.open = true;
  clock.advance(200);
  assert.deepEqual(messages(), [[0, "x".repeat(10), "y".repeat(10)], [1, "w"]]);
  assert.equal(stats.logLinesDropped, 1);
});

Deno.test("an attempt over its cap loses its later lines, counted once warned once; others go on", () => {
  const { logs, clock, stats, messages, warnings } = shipper({ attemptBytes: 25 });
  const a = open(logs, "A_1_ab", 1);
  const b = open(logs, "B_1_cd", 1);
  a.info("0123456789");
  a.info("0123456789");
  clock.advance(200);
  for (let i = 0; i < 4; i++) a.info("0123456789"); // past 25 bytes
  b.info("fine");
  clock.advance(200);
  assert.deepEqual(messages(), [[0, "0123456789", "0123456789"], [4], [0, "fine"]]);
  assert.equal(stats.logLinesDropped, 4);
  assert.deepEqual(warnings, ["task log over its cap: later lines are dropped"]);
});

Deno.test("end() sends the attempt's lines at once, even to a busy socket; later lines are not shipped", () => {
  const { logs, clock, link, messages, stats } = shipper();
  link.backlog = 10 * 1024 * 1024;
  const a = open(logs, "A_1_ab", 1);
  a.info("last words");
  clock.advance(200);
  assert.deepEqual(messages(), [], "a busy socket holds the batch back");
  a.end();
  assert.deepEqual(messages(), [[0, "last words"]], "but not the lines before an outcome");
  a.info("after the outcome");
  clock.advance(1_000);
  assert.equal(messages().length, 1);
  assert.equal(stats.logLinesDropped, 1, "a line not shipped is counted");
});

Deno.test("a busy socket holds batches back until it has sent what it holds", () => {
  const { logs, clock, link, messages, stats } = shipper();
  link.backlog = 2 * 1024 * 1024;
  const a = open(logs, "A_1_ab", 1);
  a.info("waits");
  clock.advance(1_000);
  assert.deepEqual(messages(), []);
  link.backlog = 0;
  clock.advance(200);
  assert.deepEqual(messages(), [[0, "waits"]]);
  assert.equal(stats.logLinesDropped, 0);
});

Deno.test("fields JSON cannot write, and oversized messages and fields, are made to fit", () => {
  const { logs, clock, sent } = shipper({ fieldsChars: 100 });
  const a = open(logs, "A_1_ab", 1);
  const cyclic: Record<string, unknown> = { big: 2n ** 70n, when: new Date(0) };
  cyclic.self = cyclic;
  a.info("odd", cyclic);
  a.info("x".repeat(MAX_LOG_MESSAGE_CHARS + 10), { blob: "y".repeat(500) });
  a.info("not an object", 42 as unknown as Record<string, unknown>);
  clock.advance(200);
  const [odd, long, scalar] = sent[0]!.lines;
  assert.deepEqual(odd!.fields, {
    big: "1180591620717411303424",
    when: "1970-01-01T00:00:00.000Z",
    self: "[Circular]",
  });
  assert.equal(long!.msg.length, MAX_LOG_MESSAGE_CHARS);
  assert.ok(long!.msg.endsWith("…"));
  assert.deepEqual(Object.keys(long!.fields!), ["truncated"]);
  assert.equal(String(long!.fields!.truncated).length, 101);
  assert.deepEqual(scalar!.fields, { value: 42 });
});

Deno.test("lines below the level are not shipped (info by default)", () => {
  const debug = shipper({ level: "debug" });
  const info = shipper();
  for (const s of [debug, info]) {
    const a = open(s.logs, "A_1_ab", 1);
    a.debug("detail");
    a.info("news");
    s.clock.advance(200);
  }
  assert.deepEqual(debug.messages(), [[0, "detail", "news"]]);
  assert.deepEqual(info.messages(), [[0, "news"]]);
  assert.equal(info.stats.logLinesDropped, 0, "filtered is not dropped");
});

Deno.test("close() sends what it can and counts what it could not as dropped", () => {
  const { logs, clock, stats, link } = shipper();
  link.open = false;
  const a = open(logs, "A_1_ab", 1);
  a.info("1");
  a.info("2");
  logs.close();
  assert.equal(stats.logLinesDropped, 2);
  assert.equal(logs.size, 0);
  a.info("3");
  clock.advance(1_000);
  assert.equal(stats.logLinesDropped, 3, "nothing is buffered after close: counted at once");
  assert.equal(logs.size, 0);
});
