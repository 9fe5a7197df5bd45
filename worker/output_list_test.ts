import assert from "node:assert/strict";
import { z } from "zod";
import type { StagedOutput, Target } from "../shared/targets/target.ts";
import { defineTask } from "../shared/task.ts";
import { isTarget, outputList } from "./output_list.ts";

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

Deno.test("isTarget() recognises objects with exists() and stage()", () => {
  assert.ok(isTarget(fakeTarget("mem://x", new Set())));
  assert.ok(!isTarget({}));
  assert.ok(!isTarget(null));
  assert.ok(!isTarget({ exists: () => true }));
  assert.ok(!isTarget("file:///x"));
});
