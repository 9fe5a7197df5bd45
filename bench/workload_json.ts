/** The JSON summary's figures of one workload run, on either database. */
import type { WorkloadResult } from "./run_workload.ts";

/** `n` rounded to `digits` decimals; null for null, NaN and the infinities. */
export function round(n: number | null, digits = 3): number | null {
  return n === null || !Number.isFinite(n) ? null : Number(n.toFixed(digits));
}

/** One entry of the summary's `workloads` (and `postgres.workloads`). */
export function workloadJson(r: WorkloadResult) {
  return {
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
    hubPeakRssMb: round(r.hubPeakRssMb, 0),
    fileCreateCpuUs: round(r.fileCreateCpuUs, 0),
    history: r.history
      ? {
        tasks: r.history.loaded.tasks,
        loadSeconds: round(r.history.loaded.seconds, 1),
        dbBytes: r.history.loaded.bytes,
        apiP99Ms: Object.fromEntries(
          Object.entries(r.history.api).map(([route, s]) => [route, round(s.p99, 1)]),
        ),
        prune: r.history.prune,
      }
      : null,
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
  };
}
