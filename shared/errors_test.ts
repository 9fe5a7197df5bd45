import assert from "node:assert/strict";
import {
  LeaseLostError,
  PermanentError,
  RetryableError,
  TaskCancelledError,
  TaskTimeoutError,
  toWireError,
  WorkerShutdownError,
} from "./errors.ts";
import { wireErrorSchema } from "./protocol.ts";

Deno.test("toWireError() maps PermanentError to retryable false", () => {
  const { stack, ...wire } = toWireError(new PermanentError("bad row"));
  assert.deepEqual(wire, { name: "PermanentError", message: "bad row", retryable: false });
  assert.match(stack ?? "", /^PermanentError: bad row\n +at /, "where it was thrown");
});

Deno.test("toWireError() cuts a long stack, and the wire schema takes what it sends", () => {
  const deep = new Error("deep");
  deep.stack = `Error: deep\n${"    at frame (file:///task.ts:1:1)\n".repeat(1_000)}`;
  const wire = toWireError(deep);
  assert.ok(wire.stack!.length < 8_100, `${wire.stack!.length} characters`);
  assert.match(wire.stack!, /… \(truncated\)$/);
  assert.deepEqual(wireErrorSchema.parse(wire), wire);
  const bare = new Error("no stack");
  bare.stack = "";
  assert.equal("stack" in toWireError(bare), false);
});

Deno.test("toWireError() treats only PermanentError as not retryable, whatever other name an error has", () => {
  // No other name is special: an error named like a protocol fault is retried like any other.
  const named = new Error("frame out of order");
  named.name = "ProtocolError";
  named.stack = "";
  assert.deepEqual(toWireError(named), {
    name: "ProtocolError",
    message: "frame out of order",
    retryable: true,
  });
});

Deno.test("toWireError() maps RetryableError, plain errors and other classes to retryable true", () => {
  for (
    const error of [
      new RetryableError("503"),
      new Error("boom"),
      new TypeError("x is not a function"),
      new LeaseLostError("A_1_ab", "epoch 3 is stale"),
      new TaskTimeoutError("A_1_ab", 10),
      new TaskCancelledError("A_1_ab", "cancelled by admin"),
      new WorkerShutdownError("A_1_ab", 100),
    ]
  ) {
    const wire = toWireError(error);
    assert.equal(wire.retryable, true, error.name);
    assert.equal(wire.name, error.name);
    assert.equal(wire.message, error.message);
  }
});

Deno.test("toWireError() decides by name, not by instanceof", () => {
  // An error from another copy of the module (or rebuilt from the wire) keeps its meaning.
  const foreign = new Error("bad row");
  foreign.name = "PermanentError";
  assert.equal(toWireError(foreign).retryable, false);
});

Deno.test("toWireError() turns thrown non-errors into a retryable Error", () => {
  assert.deepEqual(toWireError("plain string"), {
    name: "Error",
    message: "plain string",
    retryable: true,
  });
  assert.deepEqual(toWireError(42), { name: "Error", message: "42", retryable: true });
  assert.deepEqual(toWireError(undefined), {
    name: "Error",
    message: "undefined",
    retryable: true,
  });
});

Deno.test("toWireError() truncates huge messages so they fit on the wire", () => {
  const wire = toWireError(new PermanentError("x".repeat(50_000)));
  assert.ok(wire.message.length < 4_100, `message is ${wire.message.length} chars`);
  assert.ok(wire.message.startsWith("x".repeat(4_000)));
  assert.ok(wire.message.endsWith("(truncated)"));
  assert.equal(wire.retryable, false);
  assert.ok(wireErrorSchema.safeParse(wire).success);
});

Deno.test("toWireError() leaves a message of exactly 4000 characters alone", () => {
  const message = "y".repeat(4_000);
  assert.equal(toWireError(new Error(message)).message, message);
});

Deno.test("error classes set name, keep the cause and carry their fields", () => {
  const cause = new Error("socket closed");
  const lost = new LeaseLostError("Load_x_1", "epoch 3 is stale (current 4)", { cause });
  assert.equal(lost.name, "LeaseLostError");
  assert.equal(lost.taskId, "Load_x_1");
  assert.equal(lost.message, 'Lost the lease on "Load_x_1": epoch 3 is stale (current 4)');
  assert.equal(lost.cause, cause);
  const timeout = new TaskTimeoutError("Load_x_1", 60_000);
  assert.equal(timeout.message, 'Task "Load_x_1" ran longer than its timeout of 60000 ms');
  const cancelled = new TaskCancelledError("Load_x_1", "cancelled by admin");
  assert.equal(cancelled.name, "TaskCancelledError");
  assert.equal(cancelled.message, 'Task "Load_x_1" was cancelled: cancelled by admin');
  const shutdown = new WorkerShutdownError("Load_x_1", 30_000, { cause });
  assert.equal(shutdown.name, "WorkerShutdownError");
  assert.equal(shutdown.taskId, "Load_x_1");
  assert.equal(
    shutdown.message,
    'Task "Load_x_1" was stopped: the worker is shutting down and its grace time of 30000 ms ran out',
  );
  assert.equal(shutdown.cause, cause);
  assert.equal(new RetryableError("x", { cause }).cause, cause);
  assert.equal(new PermanentError("x").name, "PermanentError");
  for (const e of [lost, timeout, cancelled, shutdown]) assert.ok(e instanceof Error);
});
