import assert from "node:assert/strict";
import { z } from "zod";
import type { StagedOutput, Target } from "./targets/target.ts";
import {
  defineTask,
  isComplete,
  isTarget,
  mapRequirements,
  outputList,
  requirementList,
} from "./task.ts";
import { taskId } from "./task_id.ts";
import { formatIssues } from "./format_issues.ts";

/** A target whose existence the test controls. */
function fakeTarget(uri: string, present: Set<string>): Target {
  return {
    uri,
    exists: () => Promise.resolve(present.has(uri)),
    stage(): StagedOutput {
      throw new Error("not staged in these tests");
    },
  };
}

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

Deno.test("requirementList() flattens every shape requires() may return", () => {
  const a = Leaf.of({ n: 1 });
  const b = Leaf.of({ n: 2 });
  assert.deepEqual(requirementList(undefined), []);
  assert.deepEqual(requirementList(a), [a]);
  assert.deepEqual(requirementList([a, b]), [a, b]);
  assert.deepEqual(requirementList({ x: a, y: b }), [a, b]);
  assert.deepEqual(requirementList([]), []);
  assert.deepEqual(requirementList({}), []);
});

Deno.test("requirementList() returns a copy of an array, not the array itself", () => {
  const list = [Leaf.of({ n: 1 })];
  const out = requirementList(list);
  out.push(Leaf.of({ n: 2 }));
  assert.equal(list.length, 1);
});

Deno.test("mapRequirements() keeps the shape requires() returned", () => {
  const a = Leaf.of({ n: 1 });
  const b = Leaf.of({ n: 2 });
  const id = (t: { id: string }) => t.id;
  assert.equal(mapRequirements(undefined, id), undefined);
  assert.equal(mapRequirements(a, id), a.id);
  assert.deepEqual(mapRequirements([a, b], id), [a.id, b.id]);
  assert.deepEqual(mapRequirements({ x: a, y: b }, id), { x: a.id, y: b.id });
});

Deno.test("outputList() lists no target, one target or named targets", () => {
  const present = new Set<string>();
  const None = defineTask({ family: "None", params: z.object({}) });
  const One = defineTask({
    family: "One",
    params: z.object({ n: z.int() }),
    output: ({ n }) => fakeTarget(`mem://one/${n}`, present),
  });
  const Many = defineTask({
    family: "Many",
    params: z.object({}),
    output: () => ({ a: fakeTarget("mem://a", present), b: fakeTarget("mem://b", present) }),
  });
  assert.deepEqual(outputList(None.of({})), []);
  assert.deepEqual(outputList(One.of({ n: 4 })).map((t) => t.uri), ["mem://one/4"]);
  assert.deepEqual(outputList(Many.of({})).map((t) => t.uri), ["mem://a", "mem://b"]);
});

Deno.test("isComplete() is true only when every output exists", async () => {
  const present = new Set<string>();
  const Many = defineTask({
    family: "Many",
    params: z.object({}),
    output: () => ({ a: fakeTarget("mem://a", present), b: fakeTarget("mem://b", present) }),
  });
  const t = Many.of({});
  assert.equal(await isComplete(t), false);
  present.add("mem://a");
  assert.equal(await isComplete(t), false);
  present.add("mem://b");
  assert.equal(await isComplete(t), true);
});

Deno.test("isComplete() is false for a task with neither outputs nor override", async () => {
  const Wrapper = defineTask({ family: "Wrapper", params: z.object({}) });
  assert.equal(await isComplete(Wrapper.of({})), false);
});

Deno.test("isComplete() uses the complete() override instead of the outputs", async () => {
  const present = new Set<string>(["mem://x"]);
  const seen: unknown[] = [];
  const Custom = defineTask({
    family: "Custom",
    params: z.object({ n: z.int().default(1) }),
    output: () => fakeTarget("mem://x", present),
    complete: (params) => {
      seen.push(params);
      return Promise.resolve(false);
    },
  });
  assert.equal(await isComplete(Custom.of({})), false);
  assert.deepEqual(seen, [{ n: 1 }]);
  const Done = defineTask({
    family: "Done",
    params: z.object({}),
    complete: () => Promise.resolve(true),
  });
  assert.equal(await isComplete(Done.of({})), true);
});

Deno.test("isTarget() recognises objects with exists() and stage()", () => {
  assert.ok(isTarget(fakeTarget("mem://x", new Set())));
  assert.ok(!isTarget({}));
  assert.ok(!isTarget(null));
  assert.ok(!isTarget({ exists: () => true }));
  assert.ok(!isTarget("file:///x"));
});
