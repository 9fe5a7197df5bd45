/**
 * The seed pipelines, on local files under a data directory.
 *
 * - `ExtractRaw(runDate)`: a dated, versioned raw extract.
 * - `TransformAll(runDate)`: a wrapper whose table list is discovered at
 *   expansion time (from `catalog/tables.json`), one `TransformTable` each.
 * - `ProcessShard(shardId, totalShards)` and `AggregateShards(totalShards)`:
 *   sharded work merged by an aggregator.
 */
import { z } from "zod";
import { defineTask, LocalTarget } from "../shared/mod.ts";
import { createEventTasks } from "./events.ts";
import { createLoaderTasks } from "./loader.ts";
import { createSpoolTasks } from "./spool.ts";

/** The tables `TransformAll` uses when the catalog does not list any. */
export const DEFAULT_TABLES = ["orders", "customers", "events"] as const;

/** For `worker/main.ts` (`DROVER_TASK_MODULES=./examples/tasks.ts`). */
export function createTasks({ dataDir }: { dataDir: string }) {
  return createExampleTasks(dataDir).all;
}

/** Creates the example families, reading and writing under `dataDir`. */
export function createExampleTasks(dataDir: string) {
  // The version is part of every id and of the output path: bump it and the
  // old outputs stay where they are, untouched.
  const EXTRACT_VERSION = 1;
  const ExtractRaw = defineTask({
    family: "ExtractRaw",
    version: EXTRACT_VERSION,
    description: "Extracts one day of raw records",
    params: z.object({ runDate: z.iso.date() }),
    output: ({ runDate }) => new LocalTarget(`${dataDir}/raw/v${EXTRACT_VERSION}/${runDate}.json`),
    run: async (ctx, { runDate }) => {
      ctx.setStatus("extracting");
      const records = DEFAULT_TABLES.flatMap((table, t) =>
        Array.from(
          { length: 5 },
          (_, i) => ({ table, id: t * 100 + i, runDate, amount: i * 10 + t }),
        )
      );
      // Task log lines: in the worker's log, and on the hub (`drover logs TASK_ID`).
      ctx.log.info("extracted raw records", { runDate, records: records.length });
      await ctx.outputs.write(JSON.stringify({ runDate, extractedBy: ctx.taskId, records }));
      ctx.progress(1);
    },
  });

  const TransformTable = defineTask({
    family: "TransformTable",
    version: 1,
    description: "Transforms one table of a day's extract",
    params: z.object({ runDate: z.iso.date(), table: z.string().regex(/^[a-z][a-z0-9_]*$/) }),
    requires: ({ runDate }) => ExtractRaw.of({ runDate }),
    output: ({ runDate, table }) =>
      new LocalTarget(`${dataDir}/tables/v1/${table}/${runDate}.json`),
    run: async (ctx, { table }) => {
      const raw = JSON.parse(await ctx.inputs.readText()) as {
        records: Array<{ table: string; amount: number }>;
      };
      const rows = raw.records.filter((r) => r.table === table);
      const total = rows.reduce((sum, r) => sum + r.amount, 0);
      ctx.log.info("table transformed", { table, rows: rows.length, total });
      await ctx.outputs.write(JSON.stringify({ table, rows: rows.length, total }));
    },
  });

  const TransformAll = defineTask({
    family: "TransformAll",
    version: 1,
    description: "Transforms every table the catalog lists (discovered at expansion)",
    params: z.object({ runDate: z.iso.date() }),
    requires: ({ runDate }) =>
      discoverTables(dataDir).map((table) => TransformTable.of({ runDate, table })),
  });

  const ProcessShard = defineTask({
    family: "ProcessShard",
    version: 1,
    description: "Processes one shard of a sharded job",
    params: z.object({ shardId: z.int().min(0), totalShards: z.int().min(1).max(100_000) }),
    output: ({ shardId, totalShards }) =>
      new LocalTarget(`${dataDir}/shards/v1/${totalShards}/shard-${shardId}.json`),
    run: async (ctx, { shardId, totalShards }) => {
      if (shardId >= totalShards) {
        throw new RangeError(`shardId ${shardId} is not below totalShards ${totalShards}`);
      }
      // Each shard sums its slice of 1..10,000.
      let sum = 0;
      let count = 0;
      for (let n = 1 + shardId; n <= 10_000; n += totalShards) {
        sum += n;
        count++;
      }
      await ctx.outputs.write(JSON.stringify({ shardId, totalShards, count, sum }));
    },
  });

  const AggregateShards = defineTask({
    family: "AggregateShards",
    version: 1,
    description: "Merges every shard's result",
    params: z.object({ totalShards: z.int().min(1).max(100_000) }),
    requires: ({ totalShards }) =>
      Array.from(
        { length: totalShards },
        (_, shardId) => ProcessShard.of({ shardId, totalShards }),
      ),
    output: ({ totalShards }) => new LocalTarget(`${dataDir}/aggregate/v1/${totalShards}.json`),
    run: async (ctx, { totalShards }) => {
      let sum = 0;
      let count = 0;
      for (const target of ctx.inputs) {
        const shard = JSON.parse(await target.readText()) as { sum: number; count: number };
        sum += shard.sum;
        count += shard.count;
      }
      ctx.log.info("shards merged", { shards: totalShards, count, sum });
      await ctx.outputs.write(JSON.stringify({ totalShards, count, sum }));
    },
  });

  const events = createEventTasks(dataDir);
  const loader = createLoaderTasks(dataDir);
  const spool = createSpoolTasks(dataDir);
  return {
    ExtractRaw,
    TransformTable,
    TransformAll,
    ProcessShard,
    AggregateShards,
    ...events,
    ...loader,
    ...spool,
    all: [
      ExtractRaw,
      TransformTable,
      TransformAll,
      ProcessShard,
      AggregateShards,
      ...events.all,
      ...loader.all,
      ...spool.all,
    ] as const,
  };
}

/** The catalog's table list (`catalog/tables.json`), or the defaults. */
function discoverTables(dataDir: string): string[] {
  try {
    const parsed = z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).safeParse(
      JSON.parse(Deno.readTextFileSync(`${dataDir}/catalog/tables.json`)),
    );
    if (parsed.success) return parsed.data;
    throw new TypeError(
      `catalog/tables.json is not a list of table names: ${parsed.error.message}`,
    );
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [...DEFAULT_TABLES];
    throw error;
  }
}
