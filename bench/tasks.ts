/**
 * The benchmark's task families, on local files under a data directory: the
 * workloads we compare against Luigi.
 *
 * - `BenchLeaf(n, i)`: a no-op leaf that writes a small file.
 * - `BenchWide(n)`: a wrapper (no `run`) requiring `n` leaves.
 * - `BenchChain(step)`: requires `BenchChain(step - 1)` when `step > 0`; writes a small file.
 */
import { z } from "zod";
import { defineTask, LocalTarget } from "../shared/mod.ts";
import type { AnyTaskInstance } from "../shared/task.ts";

/** Where `BenchWide(n)`'s leaves write, under the workers' data directory. */
export const wideOutputDir = (dataDir: string, n: number) => `${dataDir}/wide/${n}`;
/** Where `BenchChain`'s steps write. */
export const chainOutputDir = (dataDir: string) => `${dataDir}/chain`;

/** Creates the benchmark families, writing under `dataDir`. */
export function createBenchTasks(dataDir: string) {
  const BenchLeaf = defineTask({
    family: "BenchLeaf",
    description: "A no-op leaf of the wide benchmark: writes a small file",
    params: z.object({ n: z.int().min(1).max(100_000), i: z.int().min(0).max(100_000) }),
    output: ({ n, i }) => new LocalTarget(`${wideOutputDir(dataDir, n)}/leaf-${i}.txt`),
    run: async (ctx, { n, i }) => {
      if (i >= n) throw new RangeError(`Leaf index ${i} is not below n ${n}`);
      await ctx.outputs.write(`${i}\n`);
    },
  });

  const BenchWide = defineTask({
    family: "BenchWide",
    description: "A wrapper requiring n no-op leaves",
    params: z.object({ n: z.int().min(1).max(100_000) }),
    requires: ({ n }) => Array.from({ length: n }, (_, i) => BenchLeaf.of({ n, i })),
  });

  const BenchChain = defineTask({
    family: "BenchChain",
    description: "One step of a chain: requires the step before it, writes a small file",
    params: z.object({ step: z.int().min(0).max(100_000) }),
    // Annotated: the family refers to itself, so its type cannot come from this body.
    requires: ({ step }): AnyTaskInstance | undefined =>
      step > 0 ? BenchChain.of({ step: step - 1 }) : undefined,
    output: ({ step }) => new LocalTarget(`${chainOutputDir(dataDir)}/step-${step}.txt`),
    run: async (ctx, { step }) => {
      await ctx.outputs.write(`${step}\n`);
    },
  });

  return {
    BenchLeaf,
    BenchWide,
    BenchChain,
    all: [BenchLeaf, BenchWide, BenchChain] as const,
  };
}
