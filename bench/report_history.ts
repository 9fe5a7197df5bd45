/** The history workload's part of the bench report. */
import { formatTable } from "../shared/text_table.ts";
import type { WorkloadResult } from "./run_workload.ts";

function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(digits);
}

/** The report's history section, or null when no history workload ran. */
export function historyReport(results: readonly WorkloadResult[]): string | null {
  const h = results.find((r) => r.history);
  if (!h?.history) return null;
  const { loaded, api, prune } = h.history;
  const empty = results.find((r) => r.name === "wide-10k");
  const lines = [
    `${h.name}: ${loaded.tasks.toLocaleString("en-US")} finished tasks loaded in ` +
    `${loaded.seconds.toFixed(1)} s (database ${(loaded.bytes / 1e6).toFixed(0)} MB: ` +
    Object.entries(loaded.rows).map(([t, n]) => `${t} ${n.toLocaleString("en-US")}`).join(", ") +
    "), then the run of wide-10k.",
    empty
      ? `Throughput on it: ${h.tasksPerSecond.toFixed(1)} tasks/s against ` +
        `${empty.tasksPerSecond.toFixed(1)} on an empty database in this run ` +
        `(${((h.tasksPerSecond / empty.tasksPerSecond) * 100).toFixed(1)} %; goal ≥ 85 %).`
      : `Throughput on it: ${h.tasksPerSecond.toFixed(1)} tasks/s ` +
        "(name wide-10k too to compare with an empty database).",
    `Hub peak RSS ${fixed(h.hubPeakRssMb, 0)} MB (goal < 200).`,
    "",
    "API answers while the run went (ms; goal p99 ≤ 50; first = each route's first answer;",
    "max at = when the slowest was asked, seconds after the sampling began, just before submission):",
    formatTable(
      [
        { header: "route" },
        { header: "n", align: "right" },
        { header: "p50", align: "right" },
        { header: "p99", align: "right" },
        { header: "max", align: "right" },
        { header: "first", align: "right" },
        { header: "max at s", align: "right" },
      ],
      Object.entries(api).map(([route, s]) => [
        route,
        String(s.count),
        fixed(s.p50, 1),
        fixed(s.p99, 1),
        fixed(s.max, 1),
        fixed(s.first, 1),
        fixed(s.maxAtS, 1),
      ]),
      { rule: true },
    ),
    "",
    `Retention pass after the run (POST /api/db/prune): ${JSON.stringify(prune)}`,
  ];
  return lines.join("\n");
}
