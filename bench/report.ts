/** The bench's report: a table per concern, and a one-line JSON summary. */
import type { RemoteRound } from "./remote.ts";
import { formatTable } from "../shared/text_table.ts";
import type { Ceiling } from "./ceiling.ts";
import type { InstrumentationCost } from "./instrumentation_cost.ts";
import type { WorkloadResult } from "./run_workload.ts";
import { round, workloadJson } from "./workload_json.ts";
import { type PostgresFigures, postgresJson } from "./report_backends.ts";

/** What the report says about how the bench was run. */
export interface ReportSettings {
  workers: number;
  slots: number;
  hubLogLevel: string;
  hubV8Flags?: string;
  workerLogLevel: string;
}

function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(digits);
}

/** The human-readable report. */
export function report(
  results: readonly WorkloadResult[],
  s: ReportSettings,
  totalSeconds: number,
): string {
  const main = formatTable(
    [
      { header: "workload" },
      { header: "tasks", align: "right" },
      { header: "total s", align: "right" },
      { header: "tasks/s", align: "right" },
      { header: "ms/step", align: "right" },
      { header: "ready→start p50 ms", align: "right" },
      { header: "p99 ms", align: "right" },
      { header: "start→done p50 ms", align: "right" },
      { header: "expand s", align: "right" },
      { header: "run s", align: "right" },
      { header: "retried", align: "right" },
    ],
    results.map((r) => [
      r.name,
      String(r.ran),
      fixed(r.seconds, 2),
      fixed(r.tasksPerSecond, 1),
      fixed(r.msPerStep, 1),
      fixed(r.readyToStartedMs.p50, 0),
      fixed(r.readyToStartedMs.p99, 0),
      fixed(r.startedToFinishedMs.p50, 0),
      fixed(r.expandSeconds, 2),
      fixed(r.runSeconds, 2),
      String(r.retried),
    ]),
    { rule: true },
  );
  const commits = formatTable(
    [
      { header: "workload" },
      { header: "commits", align: "right" },
      { header: "operations", align: "right" },
      { header: "ops/commit", align: "right" },
      { header: "largest batch", align: "right" },
      { header: "grants", align: "right" },
      { header: "hub CPU s", align: "right" },
      { header: "workers CPU s", align: "right" },
      { header: "status GET ms", align: "right" },
      { header: "hub peak RSS MB", align: "right" },
      { header: "new file µs", align: "right" },
    ],
    results.map((r) => {
      const q = r.hub?.writeQueue;
      return [
        r.name,
        q ? String(q.transactions) : "-",
        q ? String(q.operations) : "-",
        q ? fixed(q.operations / q.transactions, 2) : "-",
        q ? String(q.largestBatch) : "-",
        r.hub ? String(r.hub.counters.grants ?? "-") : "-",
        fixed(r.cpuSeconds.hub, 2),
        fixed(r.cpuSeconds.workers, 2),
        fixed(r.statusQueryMs, 1),
        fixed(r.hubPeakRssMb, 0),
        fixed(r.fileCreateCpuUs, 0),
      ];
    }),
    { rule: true },
  );
  const warnings = results.flatMap((r) =>
    Object.entries(r.warnings).map(([k, n]) => `  ${r.name}: ${n} × ${k}`)
  );
  return [
    `Drover bench: 1 hub + ${s.workers} workers × ${s.slots} slots, file database, ` +
    `log levels hub=${s.hubLogLevel} workers=${s.workerLogLevel}, ` +
    (s.hubV8Flags ? `hub DENO_V8_FLAGS=${s.hubV8Flags}, ` : "") +
    `${Deno.build.os}/${Deno.build.arch}, ` +
    `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}`,
    "",
    main,
    "",
    "ms/step = total / steps; ready→start = startedAt − readyAt per task (hub clock);",
    "expand = submission → first task ready; run = first task ready → done.",
    "",
    "Hub write queue (group commit) over the hub's lifetime; CPU from submission to done;",
    "new file µs = CPU one new small file costs in the run's output directory, after the run:",
    commits,
    "",
    warnings.length > 0
      ? `Warnings in the logs:\n${warnings.join("\n")}`
      : "No warnings in the logs.",
    `Bench total ${totalSeconds.toFixed(1)} s.`,
  ].join("\n");
}

/** The one-line JSON summary. */
export function summaryJson(
  results: readonly WorkloadResult[],
  s: ReportSettings,
  totalSeconds: number,
  cost: InstrumentationCost | null,
  ceiling: Ceiling | null = null,
  remote: readonly RemoteRound[] | null = null,
  postgres: PostgresFigures | null = null,
) {
  return JSON.stringify({
    bench: "drover",
    db: "file",
    hubs: 1,
    workers: s.workers,
    slots: s.slots,
    cpus: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    totalSeconds: round(totalSeconds, 1),
    remote: remote?.map((r) => ({
      rttMs: r.rttMs,
      prefetch: r.prefetch,
      tasks: r.tasks,
      tasksPerSecond: round(r.tasksPerSecond, 1),
      ratio: round(r.ratio),
    })) ?? null,
    workloads: results.map(workloadJson),
    ceiling: ceiling
      ? {
        tasksPerSecond: round(ceiling.tasksPerSecond, 1),
        seconds: round(ceiling.seconds, 2),
        batch: ceiling.batch,
        fileCreateCpuUs: round(ceiling.fileCreateCpuUs, 0),
      }
      : null,
    instrumentationCost: cost
      ? {
        workload: cost.workload,
        rounds: cost.on.length,
        offTasksPerSecond: round(cost.offTasksPerSecond, 1),
        onTasksPerSecond: round(cost.onTasksPerSecond, 1),
        watchedTasksPerSecond: round(cost.watchedTasksPerSecond, 1),
        cost: round(cost.cost, 4),
        watchedCost: round(cost.watchedCost, 4),
      }
      : null,
    postgres: postgres ? postgresJson(postgres) : null,
  });
}
