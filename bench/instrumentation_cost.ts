/**
 * What instrumentation costs: the same workload with metrics and event
 * recording off (`DROVER_METRICS=off`, event triggers dropped), on, and on
 * and watched (every event followed, `/metrics` scraped each second), each
 * round in another order so drift in the machine's speed falls on every
 * side alike.
 */
import { formatTable } from "../shared/text_table.ts";
import {
  runWorkload,
  type Workload,
  type WorkloadOptions,
  type WorkloadResult,
} from "./run_workload.ts";

/** A side of the comparison. */
export type CostSide = "off" | "on" | "watched";

/** The three sides of the comparison. */
export interface InstrumentationCost {
  workload: string;
  off: WorkloadResult[];
  /** Metrics and event recording on, nobody reading them. */
  on: WorkloadResult[];
  /** As `on`, with every event followed and `/metrics` scraped each second. */
  watched: WorkloadResult[];
  /** Mean tasks/s of each side. */
  offTasksPerSecond: number;
  onTasksPerSecond: number;
  watchedTasksPerSecond: number;
  /** 1 − on/off: the share of throughput recording costs (negative: none seen). */
  cost: number;
  /** 1 − watched/off: the same, with the hub also serving a follower and a scraper. */
  watchedCost: number;
}

/** The order of round `i`: each side takes each place in turn. */
const ORDERS: readonly (readonly CostSide[])[] = [
  ["off", "on", "watched"],
  ["on", "watched", "off"],
  ["watched", "off", "on"],
];

/** Runs `rounds` rounds of `w` (each side once a round), each run in its own directory under `dir`. */
export async function measureInstrumentationCost(
  w: Workload,
  o: Omit<WorkloadOptions, "dir" | "instrumentation" | "observe"> & { dir: string },
  rounds: number,
  progress: (line: string) => void,
): Promise<InstrumentationCost> {
  const sides: Record<CostSide, WorkloadResult[]> = { off: [], on: [], watched: [] };
  for (let i = 0; i < rounds; i++) {
    for (const side of ORDERS[i % ORDERS.length]!) {
      const dir = `${o.dir}/cost-${i + 1}-${side}`;
      await Deno.mkdir(dir, { recursive: true });
      const r = await runWorkload(w, {
        ...o,
        dir,
        instrumentation: side === "off" ? "off" : "on",
        observe: side === "watched",
      });
      sides[side].push(r);
      progress(`cost round ${i + 1}, ${side}: ${r.tasksPerSecond.toFixed(1)} tasks/s`);
    }
  }
  const mean = (rs: WorkloadResult[]) =>
    rs.reduce((sum, r) => sum + r.tasksPerSecond, 0) / rs.length;
  const off = mean(sides.off);
  return {
    workload: w.name,
    ...sides,
    offTasksPerSecond: off,
    onTasksPerSecond: mean(sides.on),
    watchedTasksPerSecond: mean(sides.watched),
    cost: 1 - mean(sides.on) / off,
    watchedCost: 1 - mean(sides.watched) / off,
  };
}

/** The comparison as a table with a verdict. */
export function formatInstrumentationCost(c: InstrumentationCost): string {
  const fixed = (n: number | null, digits: number) => n === null ? "-" : n.toFixed(digits);
  const rows = c.on.map((on, i) => {
    const off = c.off[i]!;
    const watched = c.watched[i]!;
    return [
      String(i + 1),
      fixed(off.tasksPerSecond, 1),
      fixed(on.tasksPerSecond, 1),
      fixed(watched.tasksPerSecond, 1),
      fixed(off.cpuSeconds.hub, 2),
      fixed(on.cpuSeconds.hub, 2),
      fixed(watched.cpuSeconds.hub, 2),
      String(watched.observed?.events ?? "-"),
      String(watched.observed?.scrapes ?? "-"),
    ];
  });
  const table = formatTable(
    [
      { header: "round" },
      { header: "off tasks/s", align: "right" },
      { header: "on tasks/s", align: "right" },
      { header: "watched tasks/s", align: "right" },
      { header: "off hub CPU s", align: "right" },
      { header: "on hub CPU s", align: "right" },
      { header: "watched hub CPU s", align: "right" },
      { header: "events followed", align: "right" },
      { header: "scrapes", align: "right" },
    ],
    rows,
    { rule: true },
  );
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `Instrumentation cost on ${c.workload}, measured in this run (off = DROVER_METRICS=off and no`,
    "event triggers; on = metrics and events recorded; watched = on, plus a client following every",
    "event and a scraper reading /metrics each second); each round runs the three in another order:",
    table,
    `Mean tasks/s: off ${c.offTasksPerSecond.toFixed(1)}, on ${c.onTasksPerSecond.toFixed(1)}, ` +
    `watched ${c.watchedTasksPerSecond.toFixed(1)}.`,
    `Recording metrics and events costs ${pct(c.cost)} of throughput (target < 10 %); ` +
    `watched as above, ${pct(c.watchedCost)}.`,
  ].join("\n");
}
