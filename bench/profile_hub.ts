/**
 * `deno task bench:profile`: where the hub's (or a worker's) CPU goes during
 * a wide run. Starts the bench cluster (one `bench/hub.ts`, N
 * `bench/worker.ts`, the profiled process under `--inspect`), submits
 * `BenchWide(n)`, samples that process from submission to done over the
 * inspector, and prints the run's rate and the heaviest functions and files
 * by self time.
 *
 * Flags: `--tasks=10000`, `--workers=4`, `--slots=8`, `--timeout-s=900`,
 * `--process=hub` (or `worker`: the first worker), `--workload=wide` (or
 * `chain`: `BenchChain` of `--tasks` steps, one task at a time, where a
 * step's fixed costs show).
 */
import { freePort } from "../testing/free_port.ts";
import { parseFlags, throwIfProblems, wholeNumber } from "../testing/parse_flags.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { CpuProfiler, heaviest, inclusive } from "./cpu_profile.ts";

const USAGE = "Usage: deno task bench:profile [--tasks=10000] [--workers=4] [--slots=8] " +
  "[--timeout-s=900] [--process=hub|worker] [--workload=wide|chain]";

async function main(args: string[]): Promise<void> {
  const { values, positionals, problems } = parseFlags(args, {
    tasks: { type: "string", default: "10000" },
    workers: { type: "string", default: "4" },
    slots: { type: "string", default: "8" },
    "timeout-s": { type: "string", default: "900" },
    process: { type: "string", default: "hub" },
    workload: { type: "string", default: "wide" },
  });
  for (const p of positionals) problems.push(`Unexpected argument "${p}"`);
  const n = wholeNumber(problems, "--tasks", values.tasks, 1, 1_000_000);
  const workers = wholeNumber(problems, "--workers", values.workers, 1, 64);
  const slots = wholeNumber(problems, "--slots", values.slots, 1, 1_000);
  const timeoutMs = wholeNumber(problems, "--timeout-s", values["timeout-s"], 1, 86_400) * 1000;
  const target = values.process;
  if (target !== "hub" && target !== "worker") {
    problems.push(`--process must be hub or worker, not "${target}"`);
  }
  const workload = values.workload;
  if (workload !== "wide" && workload !== "chain") {
    problems.push(`--workload must be wide or chain, not "${workload}"`);
  }
  throwIfProblems(problems, USAGE);

  const inspector = `127.0.0.1:${freePort()}`;
  await using cluster = await startCluster({
    name: "bench-profile",
    hub: {
      entry: "bench/hub.ts",
      listeningMsg: "bench hub listening",
      logLevel: "warn",
      denoArgs: target === "hub" ? [`--inspect=${inspector}`] : [],
    },
    workerEntry: "bench/worker.ts",
    workers: Array.from({ length: workers }, (_, i) => ({
      name: `bench-w${i + 1}`,
      denoArgs: target === "worker" && i === 0 ? [`--inspect=${inspector}`] : [],
    })),
    worker: { slots, logLevel: "warn" },
  });
  const profiler = await CpuProfiler.start(inspector);
  const started = performance.now();
  const [family, params] = workload === "chain"
    ? ["BenchChain", { step: n - 1 }]
    : ["BenchWide", { n }];
  const { runId } = await cluster.api.submit(family, params);
  const run = await waitForRun(cluster.api, runId, { timeoutMs, everyMs: 1_000 });
  const seconds = (performance.now() - started) / 1000;
  const profile = await profiler.stop();
  console.log(
    `${family}(${JSON.stringify(params)}): ${run.state} in ${seconds.toFixed(1)} s, ` +
      `${
        (Number(run.total) / seconds).toFixed(0)
      } tasks/s (${workers} workers × ${slots} slots); ` +
      `profiled: ${target === "hub" ? "the hub" : "worker 1"}`,
  );
  console.log(heaviest(profile));
  console.log(inclusive(profile, 40));
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
