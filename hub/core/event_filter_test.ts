import assert from "node:assert/strict";
import { parseKinds } from "./event_filter.ts";

Deno.test("parseKinds() takes exact kinds and prefixes, comma-separated, in the canonical order", () => {
  assert.deepEqual(parseKinds("task.state"), ["task.state"]);
  assert.deepEqual(parseKinds("task.*, run.state"), [
    "run.state",
    "task.created",
    "task.state",
  ]);
  assert.deepEqual(parseKinds("worker.*,worker.mode"), [
    "worker.connected",
    "worker.disconnected",
    "worker.mode",
  ]);
});

Deno.test("parseKinds() names a kind it does not know, and what it knows", () => {
  assert.throws(() => parseKinds("task.state,task.done"), (e: Error) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /^"task\.done" is not a kind of event: use run\.created, .*task\.\*/);
    return true;
  });
  assert.throws(() => parseKinds("tasks.*"), /"tasks\.\*" is not a kind/);
  assert.throws(() => parseKinds(""), /"" is not a kind/);
  assert.throws(() => parseKinds("*"), /"\*" is not a kind/);
});
