/** What a chaos run is asked to do, and the defaults of what the caller may leave out. */
import type { ChaosTarget } from "./chaos_tasks.ts";

/** Options for `runChaos()`. */
export interface ChaosOptions {
  /** ChaosNode tasks in the run. */
  tasks: number;
  workers: number;
  hubs: number;
  seed: number;
  ttlMs: number;
  /** Mean pause between worker SIGKILLs (each killed worker is restarted at once); 0: none. */
  workerKillEveryMs: number;
  /** Mean pause between hub SIGKILLs (each killed hub comes back on its port); 0: none. */
  hubKillEveryMs: number;
  timeoutS: number;
  /** The hubs' database: a libSQL file (default), or a throwaway PostgreSQL server. */
  db?: "libsql" | "postgres";
  /** Stores nodes write to besides their file: objects (`s3`), table rows (`sql`). Default none. */
  targets?: ChaosTarget[];
  /** Most hub kills in the run. Default unlimited. */
  maxHubKills?: number;
  /** Link cuts (each TTL/2 long). Default 1. */
  cuts?: number;
  /** Freezes (SIGSTOP, each 2×TTL long). Default 1. */
  freezes?: number;
  /** Link stalls (until another worker reruns a task it held; at most 3×TTL). Default 1. */
  stalls?: number;
  /**
   * Each cut, freeze and stall starts at a seeded time within this long after the
   * submission, or at a seeded share (10–50 %) of the run published,
   * whichever comes first. Default 30 s.
   */
  eventsWithinMs?: number;
  /** Slots per worker. Default 4. */
  slots?: number;
  /** Task durations, drawn per node. Default 5–200 ms. */
  minTaskMs?: number;
  maxTaskMs?: number;
  /** A killed hub comes back after this long. Default 1 s. */
  hubRestartDelayMs?: number;
  /** Keep the temporary directory (it is always kept when a check fails). */
  keepDir?: boolean;
  /** Receives one line per chaos event and a progress line every 10 s. */
  progress?: (line: string) => void;
  /** Copy every process's log lines to standard error. */
  echo?: boolean;
}

/** The options with every default filled in. */
export type ChaosSettings = Required<Omit<ChaosOptions, "progress" | "echo">> & ChaosOptions;

/** `options` over the defaults. */
export function chaosSettings(options: ChaosOptions): ChaosSettings {
  return {
    maxHubKills: Infinity,
    cuts: 1,
    freezes: 1,
    stalls: 1,
    eventsWithinMs: 30_000,
    slots: 4,
    minTaskMs: 5,
    maxTaskMs: 200,
    hubRestartDelayMs: 1_000,
    keepDir: false,
    db: "libsql",
    targets: [],
    ...options,
  };
}
