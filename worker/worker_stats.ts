/** Counters of a worker's life. */

/**
 * Figures about a worker's life, for tests and benchmarks.
 *
 * @example
 * ```ts
 * import type { WorkerStats } from "./worker_stats.ts";
 * const settled = (s: WorkerStats) => s.published + s.failuresReported;
 * ```
 */
export interface WorkerStats {
  /** Connections a hub welcomed or that sent a hello. */
  connects: number;
  /** Grants received (a batch counts once). */
  grants: number;
  /** Run attempts started (a batch counts once). */
  runs: number;
  /** Expand leases worked on. */
  expansions: number;
  /** Completions the hub accepted, their outputs committed. */
  published: number;
  /** Completions the hub refused as stale, their outputs discarded. */
  staleRefused: number;
  /** Failures the hub acknowledged. */
  failuresReported: number;
  /** Leases lost because the hub refused to renew them. */
  leasesLost: number;
  /** Leases handed back (no free slot, shutting down, abandoned batch members). */
  released: number;
  /** Grants that waited for a slot (prefetched) instead of starting at once. */
  prefetched: number;
  /** Task log lines not shipped to the hub (buffer full, or an attempt over its cap). */
  logLinesDropped: number;
}

/** All counters at zero. */
export function newWorkerStats(): WorkerStats {
  return {
    connects: 0,
    grants: 0,
    runs: 0,
    expansions: 0,
    published: 0,
    staleRefused: 0,
    failuresReported: 0,
    leasesLost: 0,
    released: 0,
    prefetched: 0,
    logLinesDropped: 0,
  };
}
