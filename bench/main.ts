/**
 * `deno task bench`: the workloads we compare against Luigi, each on a fresh
 * file database with one hub process and four worker processes on 127.0.0.1.
 * Prints a table and a one-line JSON summary on standard output; progress
 * goes to standard error.
 *
 * `--db=postgres` (or its alias `--db=both`; default `--db=libsql`) runs each
 * selected workload on libSQL and then again on a fresh database of a
 * throwaway PostgreSQL server (`bench_postgres.ts`), and adds a side-by-side
 * table: each workload's tasks/s (a chain's ms per step) on both, and the
 * ratio PostgreSQL/libSQL; the JSON summary carries them under `postgres`.
 * What only makes sense on libSQL runs there alone, as one line of the report
 * says: `history-1m`, the instrumentation cost, the ceiling, the remote rounds
 * and the new-file probe at the start.
 *
 * Flags: `--only=wide-1k,chain-500` (`wide-30k`, `wide-100k` and `history-1m`
 * run only when named: about 2, 6 and 2 minutes; `history-1m` loads a
 * million finished tasks, then runs wide-10k while sampling the API, then a
 * retention pass: name `wide-10k` beside it to compare), `--workers=4`, `--slots=8`,
 * `--hub-log-level=warn`, `--hub-v8-flags=--optimize-for-size` (the hub's
 * `DENO_V8_FLAGS`), `--worker-log-level=warn`, `--timeout-s=900`,
 * `--keep` (leave the temporary directory), `--echo`
 * (copy the processes' logs to standard error), `--cost-rounds=2` and
 * `--cost-workload=wide-10k` (what instrumentation costs: rounds of runs with
 * it on and off; 0 skips it), `--ceiling-tasks=10000` (the same claims and
 * completions straight against libSQL, for Drover's fraction of it; 0 skips),
 * `--remote-tasks=3000` (workers behind a delaying proxy, at each of
 * `--remote-rtts=0,50,100,150` ms of round trip, with prefetch off and at
 * `--remote-prefetch=128`: about 1.5 minutes; 0 skips), `--db=libsql`.
 */
import { parseFlags, throwIfProblems, wholeNumber } from "../testing/parse_flags.ts";
import {
  formatInstrumentationCost,
  type InstrumentationCost,
  measureInstrumentationCost,
} from "./instrumentation_cost.ts";
import { report, summaryJson } from "./report.ts";
import { type Ceiling, measureCeiling } from "./ceiling.ts";
import { goalsReport } from "./report_goals.ts";
import { historyReport } from "./report_history.ts";
import { formatRemote, measureRemote, type RemoteRound, type RemoteSettings } from "./remote.ts";
import { runWorkload, type Workload, type WorkloadResult } from "./run_workload.ts";
import { type BenchPostgres, startBenchPostgres } from "./bench_postgres.ts";
import { backendsReport, compareBackends, type PostgresFigures } from "./report_backends.ts";
import { WORKLOADS } from "./workloads.ts";
import { describeStartProbe, measureFileCreate } from "./file_create.ts";

const LOG_LEVELS = ["debug", "info", "warn", "error"];
const DATABASES = ["libsql", "postgres", "both"];

interface Settings {
  only: readonly Workload[];
  workers: number;
  slots: number;
  hubLogLevel: string;
  hubV8Flags: string;
  workerLogLevel: string;
  timeoutMs: number;
  keep: boolean;
  echo: boolean;
  costRounds: number;
  costWorkload: Workload;
  ceilingTasks: number;
  remote: RemoteSettings;
  /** `--db=postgres` or `both`: every workload also on PostgreSQL, side by side. */
  postgres: boolean;
}

const USAGE = "Usage: deno task bench [--only=wide-1k,chain-500] [--workers=4] [--slots=8] " +
  "[--hub-log-level=warn] [--hub-v8-flags=--optimize-for-size] [--worker-log-level=warn] [--timeout-s=900] " +
  "[--keep] [--echo] [--cost-rounds=2] [--cost-workload=wide-10k] [--ceiling-tasks=10000] " +
  "[--remote-tasks=3000] [--remote-rtts=0,50,100,150] [--remote-prefetch=128] " +
  "[--db=libsql|postgres|both]";

/** The settings, or a TypeError naming every problem of the command line. */
function parseSettings(args: string[]): Settings {
  const { values, positionals, problems } = parseFlags(args, {
    only: { type: "string" },
    workers: { type: "string", default: "4" },
    slots: { type: "string", default: "8" },
    "hub-log-level": { type: "string", default: "warn" },
    "hub-v8-flags": { type: "string", default: "" },
    "worker-log-level": { type: "string", default: "warn" },
    "timeout-s": { type: "string", default: "900" },
    keep: { type: "boolean" },
    echo: { type: "boolean" },
    "cost-rounds": { type: "string", default: "2" },
    "cost-workload": { type: "string", default: "wide-10k" },
    "ceiling-tasks": { type: "string", default: "10000" },
    "remote-tasks": { type: "string", default: "3000" },
    "remote-rtts": { type: "string", default: "0,50,100,150" },
    "remote-prefetch": { type: "string", default: "128" },
    db: { type: "string", default: "libsql" },
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
  if (!DATABASES.includes(values.db)) {
    problems.push(`--db must be one of ${DATABASES.join(", ")}, not "${values.db}"`);
  }
  const costWorkload = WORKLOADS.find((w) => w.name === values["cost-workload"]);
  if (!costWorkload) {
    problems.push(`--cost-workload: unknown workload "${values["cost-workload"]}"`);
  }
  const settings: Settings = {
    only: names
      ? WORKLOADS.filter((w) => names.includes(w.name))
      : WORKLOADS.filter((w) => !w.onlyWhenNamed),
    workers: wholeNumber(problems, "--workers", values.workers, 1, 64),
    slots: wholeNumber(problems, "--slots", values.slots, 1, 1_000),
    hubLogLevel: level("hub-log-level", values["hub-log-level"]),
    hubV8Flags: values["hub-v8-flags"],
    workerLogLevel: level("worker-log-level", values["worker-log-level"]),
    timeoutMs: wholeNumber(problems, "--timeout-s", values["timeout-s"], 1, 86_400) * 1000,
    keep: values.keep,
    echo: values.echo,
    costRounds: wholeNumber(problems, "--cost-rounds", values["cost-rounds"], 0, 20),
    costWorkload: costWorkload ?? WORKLOADS[0]!,
    ceilingTasks: wholeNumber(problems, "--ceiling-tasks", values["ceiling-tasks"], 0, 1_000_000),
    remote: {
      tasks: wholeNumber(problems, "--remote-tasks", values["remote-tasks"], 0, 100_000),
      rttsMs: values["remote-rtts"].split(",").map((text) =>
        wholeNumber(problems, "--remote-rtts", text.trim(), 0, 2_000)
      ),
      prefetch: wholeNumber(problems, "--remote-prefetch", values["remote-prefetch"], 0, 10_000),
    },
    postgres: values.db !== "libsql",
  };
  throwIfProblems(problems, USAGE);
  return settings;
}

/**
 * Runs `w` (`run`) and logs its figures under `label`; a failure is logged
 * and added to `failures`, and gives null.
 */
async function runLogged(
  w: Workload,
  label: string,
  failures: string[],
  run: () => Promise<WorkloadResult>,
): Promise<WorkloadResult | null> {
  console.error(`bench: ${label}: ${w.family}(${JSON.stringify(w.params)}) …`);
  try {
    const r = await run();
    console.error(
      `bench: ${label}: ${r.ran} tasks in ${r.seconds.toFixed(2)} s ` +
        `(${r.tasksPerSecond.toFixed(1)} tasks/s; expand ${r.expandSeconds.toFixed(2)} s, ` +
        `run ${r.runSeconds.toFixed(2)} s)`,
    );
    return r;
  } catch (error) {
    failures.push(`${label}: ${(error as Error).message}`);
    console.error(`bench: ${label} failed: ${(error as Error).stack}`);
    return null;
  }
}

/** The parts of this bench that run on libSQL only, for the report's line. */
function libsqlOnlyParts(s: Settings): string[] {
  return [
    ...s.only.filter((w) => w.history).map((w) => w.name),
    ...(s.costRounds > 0 ? ["the instrumentation cost"] : []),
    ...(s.ceilingTasks > 0 ? ["the raw-libSQL ceiling"] : []),
    ...(s.remote.tasks > 0 ? ["the remote rounds"] : []),
    "the new-file probe at the start",
  ];
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
  const startProbe = describeStartProbe(measureFileCreate(`${root}/probe`));
  console.error(`bench: ${startProbe.split("\n")[0]}`);
  const started = performance.now();
  const results: WorkloadResult[] = [];
  const failures: string[] = [];
  let cost: InstrumentationCost | null = null;
  let ceiling: Ceiling | null = null;
  let remote: RemoteRound[] | null = null;
  let pg: BenchPostgres | null = null;
  const pgResults: WorkloadResult[] = [];
  try {
    if (settings.postgres) {
      console.error("bench: starting a PostgreSQL server …");
      pg = await startBenchPostgres();
      console.error(`bench: PostgreSQL ${pg.version}`);
    }
    for (const w of settings.only) {
      const dir = `${root}/${w.name}`;
      await Deno.mkdir(dir, { recursive: true });
      const label = pg ? `${w.name} on libSQL` : w.name;
      const r = await runLogged(w, label, failures, () => runWorkload(w, { dir, ...settings }));
      if (r) results.push(r);
      const server = pg;
      if (!server || w.history) continue;
      const p = await runLogged(w, `${w.name} on PostgreSQL`, failures, async () => {
        await using db = await server.createDatabase(w.name);
        return await runWorkload(w, { ...settings, dir: `${dir}-pg`, dbUrl: db.url });
      });
      if (p) pgResults.push(p);
    }
    if (settings.costRounds > 0) {
      const w = settings.costWorkload;
      console.error(`bench: instrumentation cost: ${settings.costRounds} rounds of ${w.name} …`);
      try {
        cost = await measureInstrumentationCost(
          w,
          { ...settings, dir: root },
          settings.costRounds,
          (line) => console.error(`bench: ${line}`),
        );
      } catch (error) {
        failures.push(`instrumentation cost: ${(error as Error).message}`);
        console.error(`bench: instrumentation cost failed: ${(error as Error).stack}`);
      }
    }
    if (settings.ceilingTasks > 0) {
      console.error(`bench: ceiling: ${settings.ceilingTasks} tasks straight against libSQL …`);
      try {
        ceiling = await measureCeiling(root, settings.ceilingTasks);
      } catch (error) {
        failures.push(`ceiling: ${(error as Error).message}`);
        console.error(`bench: ceiling failed: ${(error as Error).stack}`);
      }
    }
    if (settings.remote.tasks > 0) {
      console.error(`bench: remote: workers behind a delaying proxy …`);
      try {
        remote = await measureRemote(
          settings.remote,
          { ...settings, dir: `${root}/remote` },
          (line) => console.error(`bench: ${line}`),
        );
      } catch (error) {
        failures.push(`remote: ${(error as Error).message}`);
        console.error(`bench: remote failed: ${(error as Error).stack}`);
      }
    }
  } finally {
    await pg?.[Symbol.asyncDispose]();
    if (settings.keep) console.error(`bench: kept ${root}`);
    else await Deno.remove(root, { recursive: true });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(report(results, settings, totalSeconds));
  console.log(startProbe);
  const postgres: PostgresFigures | null = pg
    ? {
      version: pg.version,
      settings: pg.settings,
      results: pgResults,
      compared: compareBackends(
        settings.only.filter((w) => !w.history).map((w) => w.name),
        results,
        pgResults,
      ),
      libsqlOnly: libsqlOnlyParts(settings),
    }
    : null;
  if (postgres) console.log(`\n${backendsReport(postgres)}`);
  const history = historyReport(results);
  if (history) console.log(`\n${history}`);
  if (cost) console.log(`\n${formatInstrumentationCost(cost)}`);
  if (remote) console.log(`\n${formatRemote(remote, settings.remote)}`);
  console.log(`\n${goalsReport(results, ceiling)}`);
  if (failures.length > 0) console.log(`Failed:\n  ${failures.join("\n  ")}`);
  console.log(summaryJson(results, settings, totalSeconds, cost, ceiling, remote, postgres));
  if (failures.length > 0) Deno.exit(1);
}
