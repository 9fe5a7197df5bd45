/**
 * One workload on a fresh cluster: a fresh directory, database and data
 * directory, so nothing is already complete. Times come from the hub's own
 * timestamps (run `createdAt`, tasks' `readyAt`/`startedAt`/`finishedAt`),
 * not from the benchmark's polling.
 */
import { api, waitForRun } from "../scripts/local_cluster.ts";
import {
  type Cluster,
  type CpuSnapshot,
  type HubStats,
  startCluster,
  tallyWarnings,
} from "./start_cluster.ts";
import { summarize, type Summary } from "./stats.ts";

/** A workload: one run of `family(params)`. */
export interface Workload {
  name: string;
  family: string;
  params: Record<string, unknown>;
  /** Every family of the run's tasks (the task list is fetched per family). */
  families: readonly string[];
  /** Steps of a chain, for the per-step figure. */
  steps?: number;
}

/** How the cluster is made. */
export interface WorkloadOptions {
  /** A directory for this workload alone; removed by the caller. */
  dir: string;
  workers: number;
  slots: number;
  hubLogLevel: string;
  workerLogLevel: string;
  timeoutMs: number;
  pollMs: number;
  echo?: boolean;
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
  /** Submission to done as the benchmark saw it (includes up to one poll interval). */
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
  /** One `GET /api/runs/:id` on the finished run (what every poll costs the hub). */
  statusQueryMs: number;
  hub: HubStats | null;
  /** Warn and error log lines, counted per process kind and message. */
  warnings: Record<string, number>;
}

interface ApiTask {
  id: string;
  family: string;
  state: string;
  wrapper: boolean;
  attempt: number;
  readyAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
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

/** Starts a cluster, submits the workload, waits for it, gathers the figures, stops the cluster. */
export async function runWorkload(w: Workload, o: WorkloadOptions): Promise<WorkloadResult> {
  await using cluster = await startCluster({
    dir: o.dir,
    workers: o.workers,
    slots: o.slots,
    hubLogLevel: o.hubLogLevel,
    workerLogLevel: o.workerLogLevel,
    echo: o.echo,
  });
  const measured = await measure(cluster, w, o);
  const hub = await cluster.stop();
  return { ...measured, hub, warnings: tallyWarnings([cluster.hub, ...cluster.workers]) };
}

async function measure(
  cluster: Cluster,
  w: Workload,
  o: WorkloadOptions,
): Promise<Omit<WorkloadResult, "hub" | "warnings">> {
  const { url } = cluster;
  const cpuStart = cluster.cpu();
  const wallStart = performance.now();
  const submitted = await api<{ runId: string; taskId: string }>(url, "/api/runs", {
    body: { family: w.family, params: w.params },
  });
  if (submitted.status !== 201) {
    throw new Error(
      `Submitting ${w.family}(${JSON.stringify(w.params)}) failed with ${submitted.status}: ${
        JSON.stringify(submitted.body)
      }`,
    );
  }
  const { runId } = submitted.body;
  await waitForRun(url, runId, o.timeoutMs, o.pollMs);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpuEnd = cluster.cpu();
  const used = (a: number | null, b: number | null) => a === null || b === null ? null : b - a;
  const cpuSeconds = {
    hub: used(cpuStart.hub, cpuEnd.hub),
    workers: used(cpuStart.workers, cpuEnd.workers),
  };

  const statusStart = performance.now();
  const { body: run } = await api<ApiRun>(url, `/api/runs/${runId}`);
  const statusQueryMs = performance.now() - statusStart;
  if (run.state !== "done" || run.finishedAt === null) {
    throw new Error(
      `Run ${runId} of ${w.name} ended ${run.state}: ${JSON.stringify(run.failed).slice(0, 2000)}`,
    );
  }
  const tasks = await fetchRunTasks(url, runId, w.families);
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

/**
 * The run's tasks, one request per family: `GET /api/tasks` caps `limit` at
 * 10,000 and has no paging, so a run of 10,001 tasks cannot come in one list.
 */
async function fetchRunTasks(
  url: string,
  runId: string,
  families: readonly string[],
): Promise<ApiTask[]> {
  const all: ApiTask[] = [];
  for (const family of families) {
    const { status, body } = await api<{ tasks: ApiTask[] }>(
      url,
      `/api/tasks?run=${encodeURIComponent(runId)}&family=${encodeURIComponent(family)}` +
        `&limit=10000`,
    );
    if (status !== 200) {
      throw new Error(
        `Listing ${family} tasks of ${runId} failed with ${status}: ${JSON.stringify(body)}`,
      );
    }
    all.push(...body.tasks);
  }
  return all;
}
