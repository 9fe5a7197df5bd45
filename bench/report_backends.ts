/**
 * `deno task bench --db postgres`: each workload's headline figure on libSQL
 * and on PostgreSQL side by side, their ratio, and the JSON summary's
 * `postgres` key.
 */
import { formatTable } from "../shared/text_table.ts";
import type { WorkloadResult } from "./run_workload.ts";
import { round, workloadJson } from "./workload_json.ts";

/** One workload's headline figure on both databases (null: that run failed). */
export interface BackendComparison {
  name: string;
  /** Tasks that ran (not wrappers). */
  tasks: number | null;
  /** A chain's figure is ms per step (lower is better); any other run's, tasks/s. */
  figure: "tasks/s" | "ms/step";
  libsql: number | null;
  postgres: number | null;
  /** `postgres / libsql`. */
  ratio: number | null;
  libsqlExpandSeconds: number | null;
  postgresExpandSeconds: number | null;
}

/** What the PostgreSQL side of a bench measured, and on what. */
export interface PostgresFigures {
  /** The server's version (`SHOW server_version`). */
  version: string;
  /** Its settings that matter to the comparison, in words (one line). */
  settings: string;
  /** Every run on PostgreSQL that finished. */
  results: readonly WorkloadResult[];
  /** The workloads run on both databases, in order. */
  compared: readonly BackendComparison[];
  /** What ran on libSQL only (e.g. "the raw-libSQL ceiling"). */
  libsqlOnly: readonly string[];
}

/** Each of `names` compared: its result on libSQL beside its result on PostgreSQL. */
export function compareBackends(
  names: readonly string[],
  libsql: readonly WorkloadResult[],
  postgres: readonly WorkloadResult[],
): BackendComparison[] {
  return names.map((name) => {
    const l = libsql.find((r) => r.name === name);
    const p = postgres.find((r) => r.name === name);
    const chain = ((l ?? p)?.msPerStep ?? null) !== null;
    const headline = (r: WorkloadResult | undefined) =>
      r ? (chain ? r.msPerStep : r.tasksPerSecond) : null;
    const a = headline(l);
    const b = headline(p);
    return {
      name,
      tasks: (l ?? p)?.ran ?? null,
      figure: chain ? "ms/step" : "tasks/s",
      libsql: a,
      postgres: b,
      ratio: a !== null && b !== null && a > 0 ? b / a : null,
      libsqlExpandSeconds: l?.expandSeconds ?? null,
      postgresExpandSeconds: p?.expandSeconds ?? null,
    };
  });
}

function fixed(n: number | null, digits: number): string {
  return n === null || !Number.isFinite(n) ? "-" : n.toFixed(digits);
}

/** The line that says what ran on libSQL only. */
export function libsqlOnlyLine(parts: readonly string[]): string {
  if (parts.length === 0) return "Every part of this bench ran on both databases.";
  const list = parts.length === 1
    ? parts[0]
    : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `On libSQL only (not run on PostgreSQL): ${list}.`;
}

/** The side-by-side section of the report. */
export function backendsReport(p: PostgresFigures): string {
  const table = formatTable(
    [
      { header: "workload" },
      { header: "tasks", align: "right" },
      { header: "figure" },
      { header: "libSQL", align: "right" },
      { header: "PostgreSQL", align: "right" },
      { header: "PostgreSQL/libSQL", align: "right" },
      { header: "expand s libSQL", align: "right" },
      { header: "expand s PostgreSQL", align: "right" },
    ],
    p.compared.map((c) => {
      const digits = c.figure === "ms/step" ? 2 : 1;
      return [
        c.name,
        c.tasks === null ? "-" : String(c.tasks),
        c.figure,
        fixed(c.libsql, digits),
        fixed(c.postgres, digits),
        fixed(c.ratio, 2),
        fixed(c.libsqlExpandSeconds, 2),
        fixed(c.postgresExpandSeconds, 2),
      ];
    }),
    { rule: true },
  );
  const warnings = p.results.flatMap((r) =>
    Object.entries(r.warnings).map(([k, n]) => `  ${r.name}: ${n} × ${k}`)
  );
  return [
    `libSQL (a file) beside PostgreSQL ${p.version}, each on the same cluster of processes:`,
    table,
    "PostgreSQL/libSQL = the figure on PostgreSQL over the one on libSQL: above 1 PostgreSQL",
    "is faster in tasks/s, below 1 it is faster in ms/step; - = that run failed.",
    `PostgreSQL: ${p.settings}.`,
    libsqlOnlyLine(p.libsqlOnly),
    warnings.length > 0
      ? `Warnings in the logs on PostgreSQL:\n${warnings.join("\n")}`
      : "No warnings in the logs on PostgreSQL.",
  ].join("\n");
}

/** The JSON summary's `postgres` key. */
export function postgresJson(p: PostgresFigures) {
  return {
    version: p.version,
    settings: p.settings,
    libsqlOnly: p.libsqlOnly,
    compared: p.compared.map((c) => ({
      name: c.name,
      figure: c.figure,
      libsql: round(c.libsql, 2),
      postgres: round(c.postgres, 2),
      ratio: round(c.ratio),
    })),
    workloads: p.results.map(workloadJson),
  };
}
