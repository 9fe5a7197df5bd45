/**
 * Task families for the chaos suite: a random DAG of `ChaosNode`s under one
 * `ChaosRoot`. Every choice (a node's requirements, its duration) comes
 * from a PRNG seeded by `(seed, id)`, so every process computes the same
 * graph. Each run start is appended to `<dataDir>/starts.log` as
 * "<taskId> <attempt> <pid>", so executions (at least once) can be counted
 * against publications (exactly once).
 *
 * With `--targets`, each node also writes an object (`s3://chaos/nodes/<id>.json`)
 * and `ROWS_PER_NODE` rows of the table `chaos_rows` (`sql`), besides its file.
 */
import { z } from "zod";
import { defineTask, delay, LocalTarget, type Target } from "../../shared/mod.ts";
import type { AnyTaskInstance } from "../../shared/task.ts";
import { S3Target } from "../../targets/s3_target.ts";
import { SqlTableTarget } from "../../targets/sql_table_target.ts";

/** The stores a chaos run can write to besides the worker's disk. */
export const CHAOS_TARGETS = ["s3", "sql"] as const;
/** A store of {@link CHAOS_TARGETS}. */
export type ChaosTarget = (typeof CHAOS_TARGETS)[number];
/** The bucket nodes write objects to. */
export const CHAOS_BUCKET = "chaos";
/** Rows each node loads into `chaos_rows`. */
export const ROWS_PER_NODE = 3;

const ChaosRow = z.strictObject({
  node: z.int(),
  k: z.int(),
  attempt: z.int(),
  pid: z.int(),
});

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

/**
 * Creates the chaos families, writing under `dataDir` (and to `targets`: the
 * S3 store at `AWS_ENDPOINT_URL_S3`, the database at `CHAOS_WAREHOUSE_URL`).
 */
export function createChaosTasks(dataDir: string, targets: readonly ChaosTarget[] = []) {
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
    output: (p): Record<string, Target> => {
      const group = `s${p.seed}-n${p.n}-${p.minMs}-${p.maxMs}`;
      const outputs: Record<string, Target> = {
        file: new LocalTarget(`${dataDir}/chaos/${group}/${p.id}.json`),
      };
      if (targets.includes("s3")) {
        outputs.object = new S3Target(`s3://${CHAOS_BUCKET}/nodes/${group}/${p.id}.json`);
      }
      if (targets.includes("sql")) {
        outputs.rows = new SqlTableTarget({
          urlEnv: "CHAOS_WAREHOUSE_URL",
          table: "chaos_rows",
          key: `${group}/${p.id}`,
          rows: ChaosRow,
        });
      }
      return outputs;
    },
    run: async (ctx, p) => {
      await recordStart(ctx.taskId, ctx.attempt);
      await delay(nodePlan(p.seed, p.id, p.minMs, p.maxMs).ms, ctx.signal);
      const who = JSON.stringify({ id: p.id, attempt: ctx.attempt, pid: Deno.pid });
      for (const [name, out] of Object.entries(ctx.outputs)) {
        await out.write(
          name !== "rows"
            ? who
            : Array.from({ length: ROWS_PER_NODE }, (_, k) =>
              JSON.stringify({ node: p.id, k, attempt: ctx.attempt, pid: Deno.pid })).join("\n"),
        );
      }
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
