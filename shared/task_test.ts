import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask } from "./task.ts";
import { taskId } from "./task_id.ts";
import { formatIssues } from "./format_issues.ts";

const Leaf = defineTask({ family: "Leaf", params: z.object({ n: z.int() }) });

Deno.test("defineTask() rejects family names that are not identifiers", () => {
  for (const family of ["", "1abc", "has-dash", "has space", "_x", "Ünicode", "x".repeat(101)]) {
    assert.throws(
      () => defineTask({ family, params: z.object({}) }),
      (e: unknown) => e instanceof TypeError && e.message.includes(JSON.stringify(family)),
      `family ${JSON.stringify(family)} was accepted`,
    );
  }
});

Deno.test("defineTask() rejects versions that are not integers >= 1", () => {
  for (const version of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(
      () => defineTask({ family: "V", version, params: z.object({}) }),
      (e: unknown) => e instanceof TypeError && e.message.includes(`version ${version}`),
      `version ${version} was accepted`,
    );
  }
});

Deno.test("defineTask() fills in version 1, the retry policy defaults and hasRun", () => {
  const W = defineTask({ family: "W", params: z.object({}) });
  assert.equal(W.name, "W");
  assert.equal(W.version, 1);
  assert.deepEqual(W.retry, { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 });
  assert.equal(W.hasRun, false);
  const R = defineTask({
    family: "R",
    version: 4,
    params: z.object({}),
    retry: { maxAttempts: 7 },
    run: () => Promise.resolve(),
  });
  assert.equal(R.version, 4);
  assert.deepEqual(R.retry, { maxAttempts: 7, baseDelayMs: 1_000, maxDelayMs: 60_000 });
  assert.equal(R.hasRun, true);
});

Deno.test("defineTask() rejects params that JSON Schema cannot represent, such as z.date()", () => {
  assert.throws(
    () => defineTask({ family: "Dated", params: z.object({ when: z.date() }) }),
    (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /"Dated"/);
      assert.match(e.message, /Date/);
      assert.ok(e.cause instanceof Error);
      return true;
    },
  );
  assert.throws(
    () => defineTask({ family: "Big", params: z.object({ n: z.bigint() }) }),
    TypeError,
  );
});

Deno.test("defineTask() exposes the input-side JSON Schema, where defaulted fields are optional", () => {
  const T = defineTask({
    family: "T",
    params: z.object({ name: z.string(), n: z.int().default(3) }),
  });
  const schema = T.paramsJsonSchema as { type: string; required: string[]; properties: object };
  assert.equal(schema.type, "object");
  assert.deepEqual(schema.required, ["name"]);
  assert.deepEqual(Object.keys(schema.properties).sort(), ["n", "name"]);
});

Deno.test("defineTask() rejects a pin with a bad label name", () => {
  assert.throws(() => defineTask({ family: "P", params: z.object({}), pin: { Region: "x" } }));
});

Deno.test("defineTask() rejects a retry policy out of range", () => {
  assert.throws(() => defineTask({ family: "P", params: z.object({}), retry: { maxAttempts: 0 } }));
});

Deno.test("of() applies defaults and gives the id of the parsed params", () => {
  const T = defineTask({
    family: "T",
    version: 2,
    params: z.object({ name: z.string(), n: z.int().default(3) }),
  });
  const t = T.of({ name: "x" });
  assert.deepEqual(t.params, { name: "x", n: 3 });
  assert.equal(t.id, taskId("T", 2, { name: "x", n: 3 }));
  assert.equal(t.id, T.of({ name: "x", n: 3 }).id);
  assert.equal(t.family, T);
});

Deno.test("of() throws a TypeError naming the bad field", () => {
  const T = defineTask({
    family: "T",
    params: z.object({ name: z.string(), opts: z.object({ depth: z.int() }) }),
  });
  assert.throws(
    () => T.of({ name: 5, opts: { depth: 1 } } as never),
    (e: unknown) =>
      e instanceof TypeError && e.message.startsWith("Invalid parameters for T: name: "),
  );
  assert.throws(
    () => T.of({ name: "x", opts: { depth: "deep" } } as never),
    (e: unknown) => e instanceof TypeError && /opts\.depth: /.test(e.message),
  );
  assert.throws(
    () => T.of({} as never),
    (e: unknown) => e instanceof TypeError && /name: .*; opts: /.test(e.message),
  );
});

Deno.test("parse() accepts unknown JSON and rejects a non-object with a (root) issue", () => {
  assert.equal(Leaf.parse({ n: 1 }).id, Leaf.of({ n: 1 }).id);
  assert.throws(() => Leaf.parse("n=1"), /\(root\): /);
});

Deno.test("formatIssues() reports each field once", () => {
  const r = z.object({ d: z.string().min(5).regex(/^x/) }).safeParse({ d: "a" });
  assert.ok(!r.success);
  assert.ok(r.error.issues.length >= 2);
  assert.equal(formatIssues(r.error.issues).split(";").length, 1);
  assert.match(formatIssues(r.error.issues), /^d: /);
});
