/**
 * The seed's object-store and warehouse pipeline, published exactly once
 * where the data lives:
 *
 * - `ExtractRawToS3(runDate)`: a day of raw records as JSON lines, to
 *   `s3://raw-data/events/v1/<runDate>.jsonl` (the store at
 *   `AWS_ENDPOINT_URL_S3`, or AWS itself, with the usual AWS credentials).
 * - `LoadToWarehouse(runDate)`: reads that object and loads one row per
 *   table and day into `event_counts` of the database at
 *   `DROVER_WAREHOUSE_URL` (PostgreSQL or SQLite/libSQL), the rows checked
 *   against their contract first, loaded once however often it runs.
 *
 * `deno task demo` starts an S3-protocol server and a warehouse file and runs
 * them. A worker running these families exports `stagedKinds`, so that a
 * restarted worker can commit or discard what an earlier process staged.
 */
import { z } from "zod";
import { defineTask, toJsonLines, validateJsonLines } from "../shared/mod.ts";
import { restoreS3Staged, S3_KIND, S3Target } from "../targets/s3_target.ts";
import { restoreSqlStaged, SQL_KIND, SqlTableTarget } from "../targets/sql_table_target.ts";

/** The tables of a day's raw records. */
const TABLES = ["orders", "customers", "events"] as const;

/** A raw record. */
const RawRecord = z.strictObject({
  table: z.enum(TABLES),
  id: z.int(),
  runDate: z.iso.date(),
  amount: z.number(),
});

/** A row of `event_counts`. */
export const EventCount = z.strictObject({
  run_date: z.iso.date(),
  table_name: z.enum(TABLES),
  records: z.int().min(0),
  amount: z.number(),
});

/** `CREATE TABLE` for `event_counts` (PostgreSQL and SQLite alike). */
export const EVENT_COUNTS_DDL = "CREATE TABLE IF NOT EXISTS event_counts " +
  "(run_date text NOT NULL, table_name text NOT NULL, records integer NOT NULL, amount real NOT NULL)";

/** The families, for a worker. */
export function createWarehouseTasks() {
  const ExtractRawToS3 = defineTask({
    family: "ExtractRawToS3",
    version: 1,
    description: "Extracts one day of raw records to the object store",
    params: z.object({ runDate: z.iso.date() }),
    contract: { writes: RawRecord },
    output: ({ runDate }) => new S3Target(`s3://raw-data/events/v1/${runDate}.jsonl`),
    run: async (ctx, { runDate }) => {
      const records = TABLES.flatMap((table, t) =>
        Array.from({ length: 5 }, (_, i) => ({ table, id: t * 100 + i, runDate, amount: i + t }))
      );
      ctx.log.info("extracted raw records", { runDate, records: records.length });
      await ctx.outputs.write(toJsonLines(records, RawRecord, "raw records"));
    },
  });

  const LoadToWarehouse = defineTask({
    family: "LoadToWarehouse",
    version: 1,
    description: "Loads a day's counts per table into the warehouse, once",
    params: z.object({ runDate: z.iso.date() }),
    contract: { reads: RawRecord, writes: EventCount },
    requires: ({ runDate }) => ExtractRawToS3.of({ runDate }),
    output: ({ runDate }) =>
      new SqlTableTarget({
        urlEnv: "DROVER_WAREHOUSE_URL",
        table: "event_counts",
        key: runDate,
        rows: EventCount,
      }),
    run: async (ctx, { runDate }) => {
      const records = validateJsonLines(await ctx.inputs.readText(), RawRecord, ctx.inputs.uri);
      const rows = TABLES.map((table) => {
        const mine = records.filter((r) => r.table === table);
        return {
          run_date: runDate,
          table_name: table,
          records: mine.length,
          amount: mine.reduce((sum, r) => sum + r.amount, 0),
        };
      });
      await ctx.outputs.write(toJsonLines(rows, EventCount, "event_counts"));
    },
  });

  return { ExtractRawToS3, LoadToWarehouse, all: [ExtractRawToS3, LoadToWarehouse] };
}

/** How a restarted worker gets these families' staged objects and rows back. */
export const stagedKinds = { [S3_KIND]: restoreS3Staged, [SQL_KIND]: restoreSqlStaged };

/** For `worker/main.ts` (`DROVER_TASK_MODULES=./examples/warehouse.ts`). */
export const tasks = createWarehouseTasks().all;
