/**
 * The bench's workloads, by name: what `--only` and `--cost-workload` choose
 * from. `wide-30k`, `wide-100k` and `history-1m` run only when named.
 */
import type { Workload } from "./run_workload.ts";
import { chainOutputDir, wideOutputDir } from "./tasks.ts";

const wideDir = (n: number) => (dataDir: string) => wideOutputDir(dataDir, n);

/** Every workload, in the order the bench runs them. */
export const WORKLOADS: readonly Workload[] = [
  {
    name: "wide-1k",
    family: "BenchWide",
    params: { n: 1_000 },
    families: ["BenchWide", "BenchLeaf"],
    outputDir: wideDir(1_000),
  },
  {
    name: "wide-10k",
    family: "BenchWide",
    params: { n: 10_000 },
    families: ["BenchWide", "BenchLeaf"],
    outputDir: wideDir(10_000),
  },
  {
    name: "wide-30k",
    family: "BenchWide",
    params: { n: 30_000 },
    families: ["BenchWide", "BenchLeaf"],
    outputDir: wideDir(30_000),
    onlyWhenNamed: true,
  },
  {
    name: "wide-100k",
    family: "BenchWide",
    params: { n: 100_000 },
    families: ["BenchWide", "BenchLeaf"],
    outputDir: wideDir(100_000),
    onlyWhenNamed: true,
  },
  {
    name: "history-1m",
    family: "BenchWide",
    params: { n: 10_000 },
    families: ["BenchWide", "BenchLeaf"],
    outputDir: wideDir(10_000),
    history: 1_000_000,
    onlyWhenNamed: true,
  },
  {
    name: "chain-500",
    family: "BenchChain",
    params: { step: 499 },
    families: ["BenchChain"],
    outputDir: chainOutputDir,
    steps: 500,
  },
];
