import assert from "node:assert/strict";
import { z } from "zod";
import type { StagedOutput, Target } from "../shared/targets/target.ts";
import { defineTask } from "../shared/task.ts";
import { isComplete } from "./completeness.ts";

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
