import assert from "node:assert/strict";
import { createLogger, type LogFields, silentLogger } from "./log.ts";

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const log = createLogger({ now: () => 0, ...options, write: (l) => lines.push(l) });
  const parsed = () => lines.map((l) => JSON.parse(l) as LogFields);
  return { log, lines, parsed };
}

Deno.test("createLogger() writes one JSON object per line with time, level, message and fields", () => {
  const { log, lines, parsed } = capture({ now: () => Date.UTC(2026, 10, 23, 12) });
  log.info("lease granted", { taskId: "A_1_ab", epoch: 3 });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes("\n"));
  assert.deepEqual(parsed()[0], {
    time: "2026-11-23T12:00:00.000Z",
    level: "info",
    msg: "lease granted",
    taskId: "A_1_ab",
    epoch: 3,
  });
});

Deno.test("createLogger() writes each level under its own name", () => {
  const { log, parsed } = capture({ level: "debug" });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  assert.deepEqual(parsed().map((l) => [l.level, l.msg]), [
    ["debug", "d"],
    ["info", "i"],
    ["warn", "w"],
    ["error", "e"],
  ]);
});

Deno.test("createLogger() drops lines below the level, info by default", () => {
  const byDefault = capture();
  byDefault.log.debug("hidden");
  byDefault.log.info("shown");
  assert.deepEqual(byDefault.parsed().map((l) => l.msg), ["shown"]);

  const warn = capture({ level: "warn" });
  warn.log.debug("no");
  warn.log.info("no");
  warn.log.warn("yes");
  warn.log.error("yes too");
  assert.deepEqual(warn.parsed().map((l) => l.msg), ["yes", "yes too"]);
});

Deno.test("child() loggers add their fields to every line and keep the parent's level", () => {
  const { log, parsed } = capture({ level: "warn" });
  const worker = log.child({ workerId: "w1" });
  const task = worker.child({ taskId: "A_1_ab" });
  task.info("dropped");
  task.warn("renewal refused", { epoch: 4 });
  worker.error("socket closed");
  const [first, second] = parsed();
  assert.deepEqual(first, {
    time: new Date(0).toISOString(),
    level: "warn",
    msg: "renewal refused",
    workerId: "w1",
    taskId: "A_1_ab",
    epoch: 4,
  });
  assert.equal(second!.workerId, "w1");
  assert.ok(!("taskId" in second!));
});

Deno.test("child() does not change its parent", () => {
  const { log, parsed } = capture();
  log.child({ workerId: "w1" });
  log.info("plain");
  assert.ok(!("workerId" in parsed()[0]!));
});

Deno.test("per-line fields win over child fields of the same name", () => {
  const { log, parsed } = capture();
  log.child({ taskId: "old" }).info("m", { taskId: "new" });
  assert.equal(parsed()[0]!.taskId, "new");
});

Deno.test("Error fields are written with their name and message", () => {
  const { log, parsed } = capture();
  const error = new TypeError("x is not a function");
  log.error("task failed", { error, attempt: 2 });
  assert.deepEqual(parsed()[0]!.error, { name: "TypeError", message: "x is not a function" });
  assert.equal(parsed()[0]!.attempt, 2);
});

Deno.test("fields keep nested JSON values as they are", () => {
  const { log, parsed } = capture();
  log.info("m", { labels: { region: "eu-west" }, ids: ["a", "b"], none: null });
  const line = parsed()[0]!;
  assert.deepEqual(line.labels, { region: "eu-west" });
  assert.deepEqual(line.ids, ["a", "b"]);
  assert.equal(line.none, null);
});

Deno.test("silentLogger writes nothing and its children are silent too", () => {
  silentLogger.info("nothing");
  silentLogger.error("nothing", { error: new Error("x") });
  assert.equal(silentLogger.child({ a: 1 }), silentLogger);
});

Deno.test("createLogger() writes fields JSON cannot (a cycle, a BigInt) without throwing", () => {
  const { log, parsed } = capture();
  const cyclic: Record<string, unknown> = { n: 1n };
  cyclic.self = cyclic;
  log.info("odd fields", { taskId: "A_1_ab", cyclic });
  assert.deepEqual(parsed()[0]!.cyclic, { n: "1", self: "[Circular]" });
  assert.equal(parsed()[0]!.taskId, "A_1_ab");
});
