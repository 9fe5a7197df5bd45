/**
 * What instrumentation costs: the same workload with metrics and event
 * recording on (and watched: every event followed, `/metrics` scraped each
 * second) and off (`DROVER_METRICS=off`, event triggers dropped), in
 * alternating order (off-on, on-off, …) so drift in the machine's speed
 * falls on both sides alike.
 */
import { formatTable } from "../shared/text_table.ts";
import {
  runWorkload,
  type Workload,
  type WorkloadOptions,
  type WorkloadResult,
} from "./run_workload.ts";

/** Both sides of the comparison. */
export interface InstrumentationCost {
  workload: string;
  on: WorkloadResult[];
  off: WorkloadResult[];
  /** Mean tasks/s of each side. */
  onTasksPerSecond: number;
  offTasksPerSecond: number;
  /** 1 − on/off: the share of throughput instrumentation costs (negative: none seen). */
  cost: number;
}

/** Runs `pairs` pairs of `w`, each run in its own directory under `dir`. */
export async function measureInstrumentationCost(
  w: Workload,
  o: Omit<WorkloadOptions, "dir" | "instrumentation" | "observe"> & { dir: string },
  pairs: number,
  progress: (line: string) => void,
): Promise<InstrumentationCost> {
  const on: WorkloadResult[] = [];
  const off: WorkloadResult[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const);
    for (const side of order) {
      const dir = `${o.dir}/cost-${i + 1}-${side}`;
      await Deno.mkdir(dir, { recursive: true });
      const r = await runWorkload(w, { ...o, dir, instrumentation: side, observe: side === "on" });
      (side === "on" ? on : off).push(r);
      progress(
        `cost pair ${i + 1}, instrumentation ${side}: ${r.tasksPerSecond.toFixed(1)} tasks/s`,
      );
    }
  }
  const mean = (rs: WorkloadResult[]) =>
    rs.reduce((sum, r) => sum + r.tasksPerSecond, 0) / rs.length;
  const onTasksPerSecond = mean(on);
  const offTasksPerSecond = mean(off);
  return {
    workload: w.name,
    on,
    off,
    onTasksPerSecond,
    offTasksPerSecond,
    cost: 1 - onTasksPerSecond / offTasksPerSecond,
  };
}

/** The comparison as a table with a one-line verdict. */
export function formatInstrumentationCost(c: InstrumentationCost): string {
  const fixed = (n: number | null, digits: number) => n === null ? "-" : n.toFixed(digits);
  const rows = c.on.map((on, i) => {
    const off = c.off[i]!;
    return [
      String(i + 1),
      fixed(off.tasksPerSecond, 1),
      fixed(on.tasksPerSecond, 1),
      fixed(on.tasksPerSecond / off.tasksPerSecond, 3),
      fixed(off.cpuSeconds.hub, 2),
      fixed(on.cpuSeconds.hub, 2),
      String(on.observed?.events ?? "-"),
      String(on.observed?.scrapes ?? "-"),
    ];
  });
  const table = formatTable(
    [
      { header: "pair" },
      { header: "off tasks/s", align: "right" },
      { header: "on tasks/s", align: "right" },
      { header: "on/off", align: "right" },
      { header: "off hub CPU s", align: "right" },
      { header: "on hub CPU s", align: "right" },
      { header: "events followed", align: "right" },
      { header: "scrapes", align: "right" },
    ],
    rows,
    { rule: true },
  );
  return [
    `Instrumentation cost on ${c.workload} (on = metrics, events recorded, followed and scraped each second;`,
    "off = DROVER_METRICS=off and no event triggers), alternating order:",
    table,
    `Mean ${c.offTasksPerSecond.toFixed(1)} tasks/s off, ${c.onTasksPerSecond.toFixed(1)} on: ` +
    `instrumentation costs ${(c.cost * 100).toFixed(1)} % of throughput (target < 10 %).`,
  ].join("\n");
}
