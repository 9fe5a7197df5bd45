import assert from "node:assert/strict";
import { z } from "zod";
import { toJsonLines, validateJsonLines } from "./contract.ts";

const Event = z.object({ user: z.object({ id: z.int() }), kind: z.enum(["view", "buy"]) });

Deno.test("validateJsonLines() returns every record of a good file, skipping blank lines", () => {
  const rows = validateJsonLines(
    '{"user":{"id":1},"kind":"view"}\n\n{"user":{"id":2},"kind":"buy"}\n',
    Event,
  );
  assert.deepEqual(rows.map((r) => r.user.id), [1, 2]);
});

Deno.test("validateJsonLines() names the first bad record's line and field", () => {
  assert.throws(
    () =>
      validateJsonLines(
        '{"user":{"id":1},"kind":"view"}\n{"user":{"id":"x"},"kind":"view"}\n',
        Event,
        "events.jsonl",
      ),
    {
      name: "PermanentError",
      message: /^Record on line 2 of events\.jsonl breaks its contract: user\.id: /,
    },
  );
});

Deno.test("validateJsonLines() refuses a line that is not JSON as a permanent error", () => {
  assert.throws(() => validateJsonLines("{oops\n", Event, "e.jsonl"), {
    name: "PermanentError",
    message: /^Record on line 1 of e\.jsonl is not JSON: /,
  });
});

Deno.test("toJsonLines() refuses to write a record that breaks the contract", () => {
  assert.throws(() => toJsonLines([{ user: { id: 1 }, kind: "sell" }], Event, "out.jsonl"), {
    name: "PermanentError",
    message: /^Record 1 written to out\.jsonl breaks its contract: kind: /,
  });
});
