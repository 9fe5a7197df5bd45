import assert from "node:assert/strict";
import { createLogger, type Logger } from "../shared/log.ts";
import { ConsoleCapture } from "./console_capture.ts";

function fakeConsole() {
  const printed: string[] = [];
  const print = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  const target = { log: print, info: print, debug: print, warn: print, error: print };
  return { target, console: target as unknown as Console, printed };
}

function recorder(): { log: Logger; lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const log = createLogger({
    level: "debug",
    write: (line) => {
      const { level, msg } = JSON.parse(line);
      lines.push([level, msg]);
    },
  });
  return { log, lines };
}

Deno.test("ConsoleCapture writes console calls inside run() to its logger, at their levels, formatted", async () => {
  const fake = fakeConsole();
  const capture = new ConsoleCapture(fake.console);
  const { log, lines } = recorder();
  capture.install();
  try {
    await capture.run(log, async () => {
      fake.console.log("%s has %d rows", "users", 3);
      await Promise.resolve();
      fake.console.debug({ a: [1, 2] });
      fake.console.info("info");
      fake.console.warn("careful");
      fake.console.error(new Error("bad").message);
    });
    fake.console.log("not in an attempt");
  } finally {
    capture.uninstall();
  }
  assert.deepEqual(lines, [
    ["info", "users has 3 rows"],
    ["debug", "{ a: [ 1, 2 ] }"],
    ["info", "info"],
    ["warn", "careful"],
    ["error", "bad"],
  ]);
  assert.deepEqual(fake.printed, ["not in an attempt"]);
});

Deno.test("ConsoleCapture does not loop when the logger itself prints to the console", () => {
  const fake = fakeConsole();
  const capture = new ConsoleCapture(fake.console);
  const log = createLogger({ write: (line) => fake.console.log(line) });
  capture.install();
  try {
    capture.run(log, () => fake.console.log("hello"));
  } finally {
    capture.uninstall();
  }
  assert.equal(fake.printed.length, 1);
  assert.equal(JSON.parse(fake.printed[0]!).msg, "hello");
});

Deno.test("ConsoleCapture.uninstall() restores the methods, or passes through when replaced since", () => {
  const fake = fakeConsole();
  const original = fake.target.log;
  const first = new ConsoleCapture(fake.console);
  const second = new ConsoleCapture(fake.console);
  first.install();
  second.install();
  const { log, lines } = recorder();
  first.uninstall(); // out of order: second's wrapper stays on top
  second.run(log, () => fake.console.log("to second"));
  first.run(log, () => fake.console.log("first is gone"));
  second.uninstall();
  assert.equal(fake.target.log, original, "back to the original once both are gone");
  assert.deepEqual(lines, [["info", "to second"]]);
  assert.deepEqual(fake.printed, ["first is gone"]);
});
