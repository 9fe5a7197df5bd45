/**
 * The edge-fleet example: one extract per region, each pinned to a worker in
 * that region, merged by a report that may run anywhere.
 *
 * - `ExtractRegion(region, runDate)`: pinned per task with
 *   `pin: ({ region }) => ({ region })`, so the `eu-west` extract only ever
 *   expands and runs on a worker labelled `region=eu-west`. Its output says
 *   where it ran (worker name, region label, host and PID).
 * - `RegionalReport(runDate)`: requires the three extracts, unpinned, and
 *   merges them.
 *
 * In the demo (`deno task demo`) every worker shares one data directory; on a
 * real fleet the extracts would be written to a store the report can read.
 */
import { z } from "zod";
import { defineTask, type Labels, LocalTarget } from "../shared/mod.ts";

/** The regions `ExtractRegion` knows, in the order the report lists them. */
export const REGIONS = ["eu-west", "us-east", "on-prem"] as const;

/** A region of {@link REGIONS}. */
export type Region = (typeof REGIONS)[number];

/** Where a task ran, as recorded in its output. */
export interface Placement {
  worker: string | null;
  region: string | null;
  host: string;
  pid: number;
}

/** What one `ExtractRegion` writes. */
export interface RegionExtract {
  region: Region;
  runDate: string;
  extractedOn: Placement;
  rows: Array<{ store: string; orders: number; revenue: number }>;
}

/** What `RegionalReport` writes. */
export interface RegionalReportOutput {
  runDate: string;
  mergedOn: Placement;
  regions: Array<{ region: Region; orders: number; revenue: number; extractedOn: Placement }>;
  totals: { orders: number; revenue: number };
}

/** The worker the families are loaded into, recorded in outputs so placement is visible. */
export interface RegionalWorker {
  name?: string;
  labels?: Labels;
}

/** For `worker/main.ts` (`DROVER_TASK_MODULES=./examples/regional.ts`). */
export function createTasks({ dataDir }: { dataDir: string }) {
  return createRegionalTasks(dataDir).all;
}

/** Creates the regional families, reading and writing under `dataDir`. */
export function createRegionalTasks(dataDir: string, worker: RegionalWorker = {}) {
  const here = (): Placement => ({
    worker: worker.name ?? null,
    region: worker.labels?.region ?? null,
    host: Deno.hostname(),
    pid: Deno.pid,
  });

  const ExtractRegion = defineTask({
    family: "ExtractRegion",
    version: 1,
    description: "Extracts one region's sales for a day, on a worker in that region",
    params: z.object({ region: z.enum(REGIONS), runDate: z.iso.date() }),
    // A per-task pin: each instance goes to the workers of its own region.
    pin: ({ region }) => ({ region }),
    output: ({ region, runDate }) =>
      new LocalTarget(`${dataDir}/regional/v1/${runDate}/extract-${region}.json`),
    run: async (ctx, { region, runDate }) => {
      ctx.setStatus(`extracting ${region}`);
      const seed = REGIONS.indexOf(region) + 1;
      const rows = Array.from({ length: 3 }, (_, i) => ({
        store: `${region}-${i + 1}`,
        orders: seed * 10 + i,
        revenue: (seed * 10 + i) * 25,
      }));
      const extract: RegionExtract = { region, runDate, extractedOn: here(), rows };
      await ctx.outputs.write(JSON.stringify(extract));
      ctx.progress(1);
    },
  });

  const RegionalReport = defineTask({
    family: "RegionalReport",
    version: 1,
    description: "Merges every region's extract for a day (runs on any worker)",
    params: z.object({ runDate: z.iso.date() }),
    requires: ({ runDate }) => REGIONS.map((region) => ExtractRegion.of({ region, runDate })),
    output: ({ runDate }) => new LocalTarget(`${dataDir}/regional/v1/${runDate}/report.json`),
    run: async (ctx, { runDate }) => {
      const regions: RegionalReportOutput["regions"] = [];
      for (const input of ctx.inputs) {
        const extract = JSON.parse(await input.readText()) as RegionExtract;
        regions.push({
          region: extract.region,
          orders: extract.rows.reduce((sum, r) => sum + r.orders, 0),
          revenue: extract.rows.reduce((sum, r) => sum + r.revenue, 0),
          extractedOn: extract.extractedOn,
        });
      }
      const report: RegionalReportOutput = {
        runDate,
        mergedOn: here(),
        regions,
        totals: {
          orders: regions.reduce((sum, r) => sum + r.orders, 0),
          revenue: regions.reduce((sum, r) => sum + r.revenue, 0),
        },
      };
      await ctx.outputs.write(JSON.stringify(report));
    },
  });

  return { ExtractRegion, RegionalReport, all: [ExtractRegion, RegionalReport] as const };
}
