import assert from "node:assert/strict";
import { requirementList } from "../worker/requirements.ts";
import { createBenchTasks } from "./tasks.ts";

Deno.test("createBenchTasks() makes BenchWide a wrapper over n distinct leaves", () => {
  const { BenchWide } = createBenchTasks("/tmp/unused");
  const wide = BenchWide.of({ n: 50 });
  assert.equal(BenchWide.hasRun, false);
  const leaves = requirementList(wide.family.definition.requires?.(wide.params as never));
  assert.equal(leaves.length, 50);
  assert.equal(new Set(leaves.map((l) => l.id)).size, 50);
});

Deno.test("createBenchTasks() chains each BenchChain step to the one before, down to step 0", () => {
  const { BenchChain } = createBenchTasks("/tmp/unused");
  const requires = (step: number) =>
    requirementList(BenchChain.definition.requires?.({ step } as never));
  assert.deepEqual(requires(3).map((t) => t.id), [BenchChain.of({ step: 2 }).id]);
  assert.deepEqual(requires(0), []);
});

Deno.test("createBenchTasks() puts every output under the data directory", () => {
  const { BenchLeaf, BenchChain } = createBenchTasks("/data/x");
  const leaf = BenchLeaf.definition.output?.({ n: 10, i: 3 });
  const step = BenchChain.definition.output?.({ step: 7 });
  assert.equal(leaf?.uri, "file:///data/x/wide/10/leaf-3.txt");
  assert.equal(step?.uri, "file:///data/x/chain/step-7.txt");
});
