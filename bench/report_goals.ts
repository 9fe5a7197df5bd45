/**
 * Issue 14's baseline (measured before it, on these machines) beside this
 * run's figures, and the raw-libSQL ceiling with Drover's fraction of it.
 */
import { formatTable } from "../shared/text_table.ts";
import type { Ceiling } from "./ceiling.ts";
import type { WorkloadResult } from "./run_workload.ts";

/** The figures the performance issue started from, and its goals. */
const BASELINE = [
  { what: "wide-10k tasks/s", before: "476", goal: "≥ 2,500" },
  { what: "chain-500 ms per step", before: "4.9", goal: "≤ 1.5" },
  { what: "hub CPU ms per task (wide-10k)", before: "1.57", goal: "≤ 0.25" },
  { what: "workers' CPU ms per task (wide-10k)", before: "1.35", goal: "≤ 0.25" },
  { what: "ops per commit (wide-10k)", before: "4.75", goal: "" },
  { what: "GET /api/runs/{id} ms (10k run)", before: "31", goal: "≤ 5 at 100k" },
];

function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(digits);
}

/** The baseline table and the ceiling line; null when neither applies. */
export function goalsReport(
  results: readonly WorkloadResult[],
  ceiling: Ceiling | null,
  cpus = navigator.hardwareConcurrency,
): string {
  const wide = results.find((r) => r.name === "wide-10k");
  const chain = results.find((r) => r.name === "chain-500");
  const perTask = (s: number | null | undefined) =>
    wide && s !== null && s !== undefined ? fixed((s * 1000) / wide.ran, 2) : "-";
  const q = wide?.hub?.writeQueue;
  const now = [
    wide ? fixed(wide.tasksPerSecond, 1) : "-",
    chain ? fixed(chain.msPerStep, 1) : "-",
    perTask(wide?.cpuSeconds.hub),
    perTask(wide?.cpuSeconds.workers),
    q ? fixed(q.operations / q.transactions, 2) : "-",
    wide ? fixed(wide.statusQueryMs, 1) : "-",
  ];
  const lines = [
    "Against the performance issue's baseline:",
    formatTable(
      [{ header: "figure" }, { header: "baseline", align: "right" }, {
        header: "this run",
        align: "right",
      }, { header: "goal" }],
      BASELINE.map((b, i) => [b.what, b.before, now[i]!, b.goal]),
      { rule: true },
    ),
  ];
  if (ceiling) {
    lines.push(
      "",
      `Ceiling: ${fixed(ceiling.tasksPerSecond, 0)} tasks/s claiming and completing ` +
        `${ceiling.tasks} tasks straight against libSQL in one process (batches of ` +
        `${ceiling.batch}, the hub's schema and triggers, this disk; ${
          fixed(ceiling.seconds, 2)
        } s).`,
      wide
        ? `Drover's wide-10k: ${fixed(wide.tasksPerSecond, 1)} tasks/s = ${
          fixed((wide.tasksPerSecond / ceiling.tasksPerSecond) * 100, 1)
        } % of the ceiling (goal ≥ 25 %).`
        : "Name wide-10k to compare Drover with it.",
      `A new small file costs ${fixed(ceiling.fileCreateCpuUs, 0)} µs of CPU in the bench's ` +
        `directory (${ceiling.files} files)${
          wide?.fileCreateCpuUs ? ` and ${fixed(wide.fileCreateCpuUs, 0)} µs in wide-10k's` : ""
        }; every task here creates its output file, so on ${cpus} CPUs that alone caps a ` +
        `run at ${
          fixed((cpus * 1e6) / (wide?.fileCreateCpuUs ?? ceiling.fileCreateCpuUs), 0)
        } tasks/s.`,
    );
  }
  return lines.join("\n");
}
