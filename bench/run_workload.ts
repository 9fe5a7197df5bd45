/**
 * One workload on a fresh cluster: a fresh directory, database and data
 * directory, so nothing is already complete. Times come from the hub's own
 * timestamps (run `createdAt`, tasks' `readyAt`/`startedAt`/`finishedAt`),
 * not from when the benchmark heard of them.
 */
import type { HubStats } from "../hub/mod.ts";
import { measureFileCreate } from "./file_create.ts";
import { tallyWarnings } from "./tally_warnings.ts";
import { type Cluster, startCluster } from "../testing/start_cluster.ts";
import { tapEvents } from "../testing/event_tap.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { type ApiLatencies, peakRssMb, sampleApi } from "./api_sampler.ts";
import { type HistoryLoaded, prepareHistory } from "./history.ts";
import { type Observed, observeHub } from "./observer.ts";
import { processCpuSeconds } from "./process_cpu.ts";
import { fetchRunTasks } from "./run_tasks.ts";
import { summarize, type Summary } from "./stats.ts";

/** CPU seconds used so far by the hub and by all workers together (null off Linux). */
export interface CpuSnapshot {
  hub: number | null;
  workers: number | null;
}

/** A workload: one run of `family(params)`. */
export interface Workload {
  name: string;
  family: string;
  params: Record<string, unknown>;
  /** Every family of the run's tasks (the task list is fetched per family). */
  families: readonly string[];
  /** Steps of a chain, for the per-step figure. */
  steps?: number;
  /** Runs only when `--only` names it (it takes long). */
  onlyWhenNamed?: boolean;
  /**
   * Finished tasks loaded first (`bench/history.ts`); the API is then sampled
   * while the run goes, and a retention pass runs after it.
   */
  history?: number;
  /** Where the run's outputs go, under the workers' data directory. */
  outputDir?: (dataDir: string) => string;
}

/** What the history workload adds. */
export interface HistoryFigures {
  loaded: HistoryLoaded;
  /** Answer times while the run went. */
  api: ApiLatencies;
  /** `POST /api/db/prune` after the run: what it deleted, and its batches. */
  prune: Record<string, unknown>;
}

/** How the cluster is made. */
export interface WorkloadOptions {
  /** A directory for this workload alone; removed by the caller. */
  dir: string;
  /** The hub's `DROVER_DB_URL`, over the cluster's `file:<dir>/hub.db` (fresh and empty). */
  dbUrl?: string;
  workers: number;
  slots: number;
  hubLogLevel: string;
  /** `DENO_V8_FLAGS` for the hub (e.g. `--optimize-for-size`); empty: none. */
  hubV8Flags?: string;
  workerLogLevel: string;
  timeoutMs: number;
  echo?: boolean;
  /**
   * `on` (default): metrics and event recording as in production; `off`:
   * `DROVER_METRICS=off` and the event triggers dropped.
   */
  instrumentation?: "on" | "off";
  /** Follow every event and scrape `/metrics` each second while the run goes. */
  observe?: boolean;
  /** The URL workers dial instead of the hub's own (a delaying proxy). */
  workerHubUrl?: (hubUrl: string) => string;
  /** More `DROVER_*` variables for every worker (e.g. `DROVER_WORKER_PREFETCH`). */
  workerEnv?: Record<string, string>;
}

/** What one workload measured. */
export interface WorkloadResult {
  name: string;
  runId: string;
  state: string;
  /** Tasks in the run, wrappers included. */
  tasks: number;
  /** Tasks that ran (not wrappers). */
  ran: number;
  /** Submission to done, from the hub's clock. */
  seconds: number;
  /** Submission to done as the benchmark saw it (the run's end comes by its event). */
  wallSeconds: number;
  tasksPerSecond: number;
  /** `seconds` over the chain's steps. */
  msPerStep: number | null;
  /** Submission to the first task ready to run (expansion, applied). */
  expandSeconds: number;
  /** First task ready to run to done. */
  runSeconds: number;
  readyToStartedMs: Summary;
  startedToFinishedMs: Summary;
  /** Tasks run more than once. */
  retried: number;
  /** CPU seconds each side used from submission to the end of the wait. */
  cpuSeconds: CpuSnapshot;
  /** `GET /api/runs/:id` on the finished run, the median of five reads (what a client polling it costs the hub). */
  statusQueryMs: number;
  hub: HubStats | null;
  /** Warn and error log lines, counted per process kind and message. */
  warnings: Record<string, number>;
  /** What the observer saw (`observe`), else null. */
  observed: Observed | null;
  /** The hub's peak resident memory over its life (MB; null off Linux). */
  hubPeakRssMb: number | null;
  /** CPU µs one new small file costs in the run's output directory (see `file_create.ts`). */
  fileCreateCpuUs: number | null;
  history: HistoryFigures | null;
}

interface ApiRun {
  runId: string;
  state: string;
  createdAt: number;
  finishedAt: number | null;
  total: number;
  counts: Record<string, number>;
  failed: unknown[];
}

/**
 * Starts a cluster (one `bench/hub.ts`, N `bench/worker.ts`), submits the
 * workload, waits for it, gathers the figures, stops the cluster.
 */
export async function runWorkload(w: Workload, o: WorkloadOptions): Promise<WorkloadResult> {
  if (w.history && o.dbUrl) throw new Error(`${w.name} loads its history into a libSQL file`);
  let loaded: HistoryLoaded | null = null;
  if (w.history) {
    console.error(`bench: ${w.name}: loading ${w.history} finished tasks …`);
    loaded = await prepareHistory(`file:${o.dir}/hub.db`, w.history);
    console.error(`bench: ${w.name}: loaded in ${loaded.seconds.toFixed(1)} s`);
  }
  await using cluster = await startCluster({
    name: "bench",
    dir: o.dir,
    hub: {
      entry: "bench/hub.ts",
      // Logged whatever the level: the hub's own line is at info.
      listeningMsg: "bench hub listening",
      logLevel: o.hubLogLevel,
      env: {
        ...(o.instrumentation === "off"
          ? { DROVER_METRICS: "off", DROVER_BENCH_EVENTS: "off" }
          : {}),
        ...(o.hubV8Flags ? { DENO_V8_FLAGS: o.hubV8Flags } : {}),
        ...(o.dbUrl ? { DROVER_DB_URL: o.dbUrl } : {}),
      },
    },
    workerEntry: "bench/worker.ts",
    workers: Array.from({ length: o.workers }, (_, i) => ({ name: `bench-w${i + 1}` })),
    worker: { slots: o.slots, logLevel: o.workerLogLevel, env: o.workerEnv },
    workerHubUrl: o.workerHubUrl ? (hub) => o.workerHubUrl!(hub.url) : undefined,
    echo: o.echo,
  });
  const observer = o.observe ? observeHub(cluster.hub.url, cluster.adminToken) : null;
  let history: HistoryFigures | null = null;
  let measured;
  if (loaded) {
    // Sampled while the run goes: from before its submission to its end
    // (not while the bench then reads its ten thousand tasks).
    const sampler = sampleApi(cluster.hub.url, cluster.adminToken);
    let stopped: ReturnType<typeof sampler.stop> | null = null;
    try {
      measured = await measure(cluster, w, o, {
        submitted: (runId) => sampler.watch(runId),
        ended: () => void (stopped = sampler.stop()),
      });
    } finally {
      history = { loaded, api: await (stopped ?? sampler.stop()), prune: {} };
    }
    const pruned = await cluster.api.request("/api/db/prune", { body: {} });
    history.prune = pruned.body;
  } else {
    measured = await measure(cluster, w, o);
  }
  const observed = await observer?.stop() ?? null;
  const hubPeakRssMb = peakRssMb(cluster.hub.pid);
  const fileCreateCpuUs = w.outputDir ? measureFileCreate(w.outputDir(cluster.dataDir)) : null;
  await cluster.stop();
  // Logged on SIGTERM, after a clean close: the figures live only in the hub's memory.
  const stats = cluster.hub.lines.findLast((l) => l.msg === "bench hub stats");
  const hub = stats ? { writeQueue: stats.writeQueue, counters: stats.counters } as HubStats : null;
  const warnings = tallyWarnings([...cluster.hubs, ...cluster.workers]);
  return { ...measured, hub, warnings, observed, hubPeakRssMb, fileCreateCpuUs, history };
}

async function measure(
  cluster: Cluster,
  w: Workload,
  o: WorkloadOptions,
  hooks: { submitted?(runId: string): void; ended?(): void } = {},
): Promise<
  Omit<
    WorkloadResult,
    "hub" | "warnings" | "observed" | "hubPeakRssMb" | "fileCreateCpuUs" | "history"
  >
> {
  const { api } = cluster;
  const cpuStart = cpuOf(cluster);
  // The run's end comes by the event stream; with instrumentation off no
  // event is recorded, so its status is polled (4 ms a read at 10k tasks).
  await using tap = o.instrumentation === "off"
    ? null
    : await tapEvents(cluster.hub.url, cluster.adminToken, { query: "kind=run.state" });
  const wallStart = performance.now();
  const { runId } = await api.submit(w.family, w.params);
  hooks.submitted?.(runId);
  if (tap) {
    await tap.waitFor(
      (e) => e.runId === runId && ["done", "failed", "cancelled"].includes(String(e.data.to)),
      o.timeoutMs,
      `the end of run ${runId}`,
    );
  } else {
    await waitForRun(api, runId, { timeoutMs: o.timeoutMs, everyMs: 100 });
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  hooks.ended?.();
  const cpuEnd = cpuOf(cluster);
  const used = (a: number | null, b: number | null) => a === null || b === null ? null : b - a;
  const cpuSeconds = {
    hub: used(cpuStart.hub, cpuEnd.hub),
    workers: used(cpuStart.workers, cpuEnd.workers),
  };

  // The median of five reads: one read right after the run's end can meet
  // the hub still busy with it.
  const statusTimes: number[] = [];
  let run!: ApiRun;
  for (let i = 0; i < 5; i++) {
    const statusStart = performance.now();
    run = (await api.request<ApiRun>(`/api/runs/${runId}`)).body;
    statusTimes.push(performance.now() - statusStart);
  }
  const statusQueryMs = statusTimes.sort((a, b) => a - b)[2]!;
  if (run.state !== "done" || run.finishedAt === null) {
    throw new Error(
      `Run ${runId} of ${w.name} ended ${run.state}: ${JSON.stringify(run.failed).slice(0, 2000)}`,
    );
  }
  const tasks = await fetchRunTasks(api, runId, w.families);
  if (tasks.length !== run.total) {
    throw new Error(`Run ${runId} has ${run.total} tasks but the task list gave ${tasks.length}`);
  }

  const ran = tasks.filter((t) => !t.wrapper);
  const readyToStarted: number[] = [];
  const startedToFinished: number[] = [];
  let firstReady = Infinity;
  for (const t of ran) {
    if (t.readyAt === null || t.startedAt === null || t.finishedAt === null) {
      throw new Error(`Task ${t.id} is ${t.state} without ready/started/finished times`);
    }
    readyToStarted.push(t.startedAt - t.readyAt);
    startedToFinished.push(t.finishedAt - t.startedAt);
    firstReady = Math.min(firstReady, t.readyAt);
  }
  const seconds = (run.finishedAt - run.createdAt) / 1000;
  return {
    name: w.name,
    runId,
    state: run.state,
    tasks: tasks.length,
    ran: ran.length,
    seconds,
    wallSeconds,
    tasksPerSecond: ran.length / seconds,
    msPerStep: w.steps ? (seconds * 1000) / w.steps : null,
    expandSeconds: (firstReady - run.createdAt) / 1000,
    runSeconds: (run.finishedAt - firstReady) / 1000,
    readyToStartedMs: summarize(readyToStarted),
    startedToFinishedMs: summarize(startedToFinished),
    retried: ran.filter((t) => t.attempt > 1).length,
    cpuSeconds,
    statusQueryMs,
  };
}

/** CPU time used so far by the hub and by all workers together. */
function cpuOf(cluster: Cluster): CpuSnapshot {
  const perWorker = cluster.workers.map((w) => processCpuSeconds(w.pid));
  return {
    hub: processCpuSeconds(cluster.hub.pid),
    workers: perWorker.some((s) => s === null)
      ? null
      : perWorker.reduce<number>((sum, s) => sum + (s ?? 0), 0),
  };
}
