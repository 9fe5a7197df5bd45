/**
 * `deno task bench`: the workloads we compare against Luigi, each on a fresh
 * file database with one hub process and four worker processes on 127.0.0.1.
 * Prints a table and a one-line JSON summary on standard output; progress
 * goes to standard error.
 *
 * Flags: `--only=wide-1k,chain-500`, `--workers=4`, `--slots=8`,
 * `--hub-log-level=warn`, `--worker-log-level=warn`, `--timeout-s=900`,
 * `--poll-ms=200`, `--keep` (leave the temporary directory), `--echo`
 * (copy the processes' logs to standard error).
 */
import { formatTable } from "../shared/text_table.ts";
import { parseFlags, throwIfProblems, wholeNumber } from "../testing/parse_flags.ts";
import { runWorkload, type Workload, type WorkloadResult } from "./run_workload.ts";

const WORKLOADS: readonly Workload[] = [
  {
    name: "wide-1k",
    family: "BenchWide",
    params: { n: 1_000 },
    families: ["BenchWide", "BenchLeaf"],
  },
  {
    // The same as wide-1k on a hub that measures nothing: what instrumentation costs.
    name: "wide-1k-metrics-off",
    family: "BenchWide",
    params: { n: 1_000 },
    families: ["BenchWide", "BenchLeaf"],
    hubEnv: { DROVER_METRICS: "off" },
  },
  {
    name: "wide-10k",
    family: "BenchWide",
    params: { n: 10_000 },
    families: ["BenchWide", "BenchLeaf"],
  },
  {
    name: "chain-500",
    family: "BenchChain",
    params: { step: 499 },
    families: ["BenchChain"],
    steps: 500,
  },
];

const LOG_LEVELS = ["debug", "info", "warn", "error"];

interface Settings {
  only: readonly Workload[];
  workers: number;
  slots: number;
  hubLogLevel: string;
  workerLogLevel: string;
  timeoutMs: number;
  pollMs: number;
  keep: boolean;
  echo: boolean;
}

const USAGE = "Usage: deno task bench [--only=wide-1k,chain-500] [--workers=4] [--slots=8] " +
  "[--hub-log-level=warn] [--worker-log-level=warn] [--timeout-s=900] [--poll-ms=200] " +
  "[--keep] [--echo]";

/** The settings, or a TypeError naming every problem of the command line. */
function parseSettings(args: string[]): Settings {
  const { values, positionals, problems } = parseFlags(args, {
    only: { type: "string" },
    workers: { type: "string", default: "4" },
    slots: { type: "string", default: "8" },
    "hub-log-level": { type: "string", default: "warn" },
    "worker-log-level": { type: "string", default: "warn" },
    "timeout-s": { type: "string", default: "900" },
    "poll-ms": { type: "string", default: "200" },
    keep: { type: "boolean" },
    echo: { type: "boolean" },
  });
  for (const p of positionals) problems.push(`Unexpected argument "${p}"`);
  const level = (name: string, text: string) => {
    if (!LOG_LEVELS.includes(text)) {
      problems.push(`--${name} must be one of ${LOG_LEVELS.join(", ")}, not "${text}"`);
    }
    return text;
  };
  const names = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names?.filter((n) => !WORKLOADS.some((w) => w.name === n)) ?? [];
  if (unknown.length > 0) {
    problems.push(
      `--only: unknown workload ${unknown.map((n) => `"${n}"`).join(", ")} (known: ${
        WORKLOADS.map((w) => w.name).join(", ")
      })`,
    );
  }
  const settings: Settings = {
    only: names ? WORKLOADS.filter((w) => names.includes(w.name)) : WORKLOADS,
    workers: wholeNumber(problems, "--workers", values.workers, 1, 64),
    slots: wholeNumber(problems, "--slots", values.slots, 1, 1_000),
    hubLogLevel: level("hub-log-level", values["hub-log-level"]),
    workerLogLevel: level("worker-log-level", values["worker-log-level"]),
    timeoutMs: wholeNumber(problems, "--timeout-s", values["timeout-s"], 1, 86_400) * 1000,
    pollMs: wholeNumber(problems, "--poll-ms", values["poll-ms"], 10, 60_000),
    keep: values.keep,
    echo: values.echo,
  };
  throwIfProblems(problems, USAGE);
  return settings;
}

function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(digits);
}

function report(results: readonly WorkloadResult[], s: Settings, totalSeconds: number): string {
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
      ];
    }),
    { rule: true },
  );
  const warnings = results.flatMap((r) =>
    Object.entries(r.warnings).map(([k, n]) => `  ${r.name}: ${n} × ${k}`)
  );
  const on = results.find((r) => r.name === "wide-1k");
  const off = results.find((r) => r.name === "wide-1k-metrics-off");
  const cost = on && off
    ? `Metrics cost (wide-1k): ${fixed(on.tasksPerSecond, 1)} tasks/s with metrics on, ` +
      `${fixed(off.tasksPerSecond, 1)} off: ` +
      `${fixed(100 * (1 - on.tasksPerSecond / off.tasksPerSecond), 1)} % (one run each).`
    : "Metrics cost: run wide-1k and wide-1k-metrics-off to compare.";
  return [
    `Drover bench: 1 hub + ${s.workers} workers × ${s.slots} slots, file database, ` +
    `log levels hub=${s.hubLogLevel} workers=${s.workerLogLevel}, ${Deno.build.os}/${Deno.build.arch}, ` +
    `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}`,
    "",
    main,
    "",
    "ms/step = total / steps; ready→start = startedAt − readyAt per task (hub clock);",
    "expand = submission → first task ready; run = first task ready → done.",
    "",
    "Hub write queue (group commit) over the hub's lifetime; CPU from submission to done:",
    commits,
    "",
    cost,
    "",
    warnings.length > 0
      ? `Warnings in the logs:\n${warnings.join("\n")}`
      : "No warnings in the logs.",
    `Bench total ${totalSeconds.toFixed(1)} s.`,
  ].join("\n");
}

function summaryJson(results: readonly WorkloadResult[], s: Settings, totalSeconds: number) {
  const round = (n: number | null, digits = 3) =>
    n === null || !Number.isFinite(n) ? null : Number(n.toFixed(digits));
  return JSON.stringify({
    bench: "drover",
    db: "file",
    hubs: 1,
    workers: s.workers,
    slots: s.slots,
    cpus: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    totalSeconds: round(totalSeconds, 1),
    workloads: results.map((r) => ({
      name: r.name,
      tasks: r.ran,
      seconds: round(r.seconds),
      wallSeconds: round(r.wallSeconds),
      tasksPerSecond: round(r.tasksPerSecond, 1),
      msPerStep: round(r.msPerStep, 2),
      readyToStartedP50Ms: r.readyToStartedMs.p50,
      readyToStartedP99Ms: r.readyToStartedMs.p99,
      readyToStartedMaxMs: r.readyToStartedMs.max,
      startedToFinishedP50Ms: r.startedToFinishedMs.p50,
      startedToFinishedP99Ms: r.startedToFinishedMs.p99,
      startedToFinishedMaxMs: r.startedToFinishedMs.max,
      expandSeconds: round(r.expandSeconds),
      runSeconds: round(r.runSeconds),
      retried: r.retried,
      statusQueryMs: round(r.statusQueryMs, 1),
      hubCpuSeconds: round(r.cpuSeconds.hub, 2),
      workersCpuSeconds: round(r.cpuSeconds.workers, 2),
      groupCommit: r.hub
        ? {
          commits: r.hub.writeQueue.transactions,
          operations: r.hub.writeQueue.operations,
          opsPerCommit: round(r.hub.writeQueue.operations / r.hub.writeQueue.transactions, 2),
          largestBatch: r.hub.writeQueue.largestBatch,
        }
        : null,
    })),
  });
}

if (import.meta.main) {
  let settings: Settings;
  try {
    settings = parseSettings(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const root = await Deno.makeTempDir({ prefix: "drover-bench-" });
  const started = performance.now();
  const results: WorkloadResult[] = [];
  const failures: string[] = [];
  try {
    for (const w of settings.only) {
      console.error(`bench: ${w.name}: ${w.family}(${JSON.stringify(w.params)}) …`);
      const dir = `${root}/${w.name}`;
      await Deno.mkdir(dir, { recursive: true });
      try {
        const r = await runWorkload(w, { dir, ...settings });
        results.push(r);
        console.error(
          `bench: ${w.name}: ${r.ran} tasks in ${r.seconds.toFixed(2)} s ` +
            `(${r.tasksPerSecond.toFixed(1)} tasks/s; expand ${r.expandSeconds.toFixed(2)} s, ` +
            `run ${r.runSeconds.toFixed(2)} s)`,
        );
      } catch (error) {
        failures.push(`${w.name}: ${(error as Error).message}`);
        console.error(`bench: ${w.name} failed: ${(error as Error).stack}`);
      }
    }
  } finally {
    if (settings.keep) console.error(`bench: kept ${root}`);
    else await Deno.remove(root, { recursive: true });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(report(results, settings, totalSeconds));
  if (failures.length > 0) console.log(`Failed:\n  ${failures.join("\n  ")}`);
  console.log(summaryJson(results, settings, totalSeconds));
  if (failures.length > 0) Deno.exit(1);
}
