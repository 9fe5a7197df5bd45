import assert from "node:assert/strict";
import { deadline, DeadlineError } from "./deadline.ts";

Deno.test("deadline() resolves with the promise's value when it settles in time", async () => {
  // 60 s: if the timer were not cleared, the sanitizer would report it.
  assert.equal(await deadline(Promise.resolve(42), 60_000), 42);
});

Deno.test("deadline() rejects with the promise's own error when it fails in time", async () => {
  const error = new Error("boom");
  await assert.rejects(deadline(Promise.reject(error), 60_000), (e: unknown) => e === error);
});

Deno.test("deadline() rejects with DeadlineError when the time runs out", async () => {
  const never = new Promise<never>(() => {});
  await assert.rejects(deadline(never, 2), (e: unknown) => {
    assert.ok(e instanceof DeadlineError);
    assert.equal(e.name, "DeadlineError");
    assert.equal(e.message, "The operation did not finish within 2 ms");
    return true;
  });
});

Deno.test("deadline() names what timed out in the message", async () => {
  await assert.rejects(
    deadline(new Promise<never>(() => {}), 1, "hub handshake"),
    /^DeadlineError: The hub handshake did not finish within 1 ms$/,
  );
});

Deno.test("deadline() ignores a rejection that arrives after the deadline", async () => {
  let rejectLate!: (e: Error) => void;
  const slow = new Promise<never>((_, reject) => (rejectLate = reject));
  await assert.rejects(deadline(slow, 1), DeadlineError);
  // Must not surface as an unhandled rejection (which would fail this test).
  rejectLate(new Error("too late"));
  await Promise.resolve();
});

Deno.test("DeadlineError is an Error with a readable message", () => {
  const e = new DeadlineError(1500, "lease renewal");
  assert.ok(e instanceof Error);
  assert.equal(e.message, "The lease renewal did not finish within 1500 ms");
});
