/**
 * Task families for the chaos suite: a random DAG of `ChaosNode`s under one
 * `ChaosRoot`. Every choice (a node's requirements, its duration) comes
 * from a PRNG seeded by `(seed, id)`, so every process computes the same
 * graph. Each run start is appended to `<dataDir>/starts.log` as
 * "<taskId> <attempt> <pid>", so executions (at least once) can be counted
 * against publications (exactly once).
 */
import { z } from "zod";
import { defineTask, delay, LocalTarget } from "../../shared/mod.ts";
import type { AnyTaskInstance } from "../../shared/task.ts";

/**
 * A deterministic PRNG (mulberry32) seeded from a list of integers.
 *
 * @example
 * ```ts
 * import { seededRandom } from "./chaos_tasks.ts";
 * console.assert(seededRandom(42, 7)() === seededRandom(42, 7)());
 * ```
 */
export function seededRandom(...keys: number[]): () => number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    h = Math.imul(h ^ (key >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What node `id` requires (up to 3 distinct lower ids) and how long it runs. */
export function nodePlan(
  seed: number,
  id: number,
  minMs: number,
  maxMs: number,
): { deps: number[]; ms: number } {
  const random = seededRandom(seed, id);
  const ms = minMs + Math.floor(random() * (Math.max(minMs, maxMs) - minMs + 1));
  const want = Math.min(id, Math.floor(random() * 4));
  const deps = new Set<number>();
  while (deps.size < want) deps.add(Math.floor(random() * id));
  return { deps: [...deps].sort((a, b) => a - b), ms };
}

const nodeParams = z.object({
  seed: z.int(),
  n: z.int().min(1).max(100_000),
  id: z.int().min(0),
  minMs: z.int().min(0).max(60_000).default(5),
  maxMs: z.int().min(0).max(60_000).default(200),
});

/** Creates the chaos families, writing under `dataDir`. */
export function createChaosTasks(dataDir: string) {
  const recordStart = async (taskId: string, attempt: number) => {
    await Deno.mkdir(dataDir, { recursive: true });
    await Deno.writeTextFile(`${dataDir}/starts.log`, `${taskId} ${attempt} ${Deno.pid}\n`, {
      append: true,
    });
  };

  /** One node of the random DAG: waits for its requirements, sleeps, writes who ran it. */
  const ChaosNode = defineTask({
    family: "ChaosNode",
    params: nodeParams,
    // Workers are SIGKILLed every few seconds, and every grant counts an
    // attempt (expired, handed back or failed), so the budget is generous.
    retry: { maxAttempts: 25, baseDelayMs: 50, maxDelayMs: 1_000 },
    requires: (p): AnyTaskInstance[] =>
      nodePlan(p.seed, p.id, p.minMs, p.maxMs).deps.map((id) => ChaosNode.of({ ...p, id })),
    output: (p) =>
      new LocalTarget(
        `${dataDir}/chaos/s${p.seed}-n${p.n}-${p.minMs}-${p.maxMs}/${p.id}.json`,
      ),
    run: async (ctx, p) => {
      await recordStart(ctx.taskId, ctx.attempt);
      await delay(nodePlan(p.seed, p.id, p.minMs, p.maxMs).ms, ctx.signal);
      await ctx.outputs.write(JSON.stringify({ id: p.id, attempt: ctx.attempt, pid: Deno.pid }));
    },
  });

  /** A wrapper over every node: done when all `n` are. */
  const ChaosRoot = defineTask({
    family: "ChaosRoot",
    params: nodeParams.omit({ id: true }),
    requires: (p) => Array.from({ length: p.n }, (_, id) => ChaosNode.of({ ...p, id })),
  });

  return { ChaosNode, ChaosRoot, all: [ChaosNode, ChaosRoot] };
}
