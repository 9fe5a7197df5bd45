/** What a chaos run did and found: the summary `runChaos()` returns and its parts. */
import type { Violation } from "../../hub/db/check_invariants.ts";
import type { TargetFindings } from "./chaos_targets.ts";

/** One link cut as it happened. */
export interface CutReport {
  worker: string;
  workerId: string;
  /** When its process started: leases granted before were a killed predecessor's. */
  since: number;
  cutMs: number;
  cutAt: number;
  /** From the start of the cut to the worker's next welcome; null if it never came. */
  backAfterMs: number | null;
  /** Its leases the hubs took back from the cut until a TTL after it was back (database). */
  leasesExpired: number;
}

/** One freeze or stall (a worker cut off past its TTL without knowing it) as it happened. */
export interface ZombieReport {
  worker: string;
  workerId: string;
  /** When its process started: leases granted before were a killed predecessor's. */
  since: number;
  forMs: number;
  startedAt: number;
  endedAt: number;
  /** What ended it. */
  endedBy: string;
  /** The first line showing the worker knew, once back, that it had lost a lease. */
  evidence: string | null;
  /** Its "completion refused; staged output discarded" lines, until a TTL after that. */
  completionsRefused: number;
  /** Its leases the hubs took back meanwhile (from the database). */
  leasesExpired: number;
}

/** What the end checks found in the database and the data directory. */
export interface VerifyFindings {
  /** Run starts in starts.log (at least once)… */
  executions: number;
  tasksRunMoreThanOnce: number;
  /** …against publications of runs (exactly once). */
  publications: number;
  attemptsByOutcome: Record<string, number>;
  maxAttempt: number;
  invariantViolations: Violation[];
  /** Staging files of killed attempts left next to outputs (never committed, never cleaned). */
  stagingLeftovers: number;
  /** With `--targets`: each store's objects or rows, those not the published attempt's, leftovers. */
  targets?: TargetFindings;
  /** Attempts that ended `failed` (the task threw, or its result was refused), with why: the first 5. */
  failedAttempts: { taskId: string; workerId: string | null; error: string }[];
}

/** What a chaos run did and found. */
export interface ChaosSummary extends VerifyFindings {
  ok: boolean;
  /** Every check that failed, in words. */
  failures: string[];
  /**
   * What went worse than the README promises without breaking a guarantee
   * checked here: a cut shorter than the TTL after which leases expired
   * ("disconnected for less than the TTL: nothing is re-run").
   */
  warnings: string[];
  seed: number;
  tasks: number;
  workers: number;
  hubs: number;
  ttlMs: number;
  runState: string;
  /** From the submission until the run was seen done. */
  runtimeS: number;
  workerKills: number;
  hubKills: number;
  cuts: CutReport[];
  freezes: ZombieReport[];
  stalls: ZombieReport[];
  /** Attempts the reaper ended as expired (database). */
  leasesExpired: number;
  /** From hub log lines. */
  staleCompletionsRefused: number;
  renewalsRefused: number;
  duplicatesAbsorbed: number;
  /** From worker log lines. */
  leasesLost: number;
  attemptsAbandoned: number;
  completionsDiscarded: number;
  reconnects: number;
  workerProcesses: number;
  /** Log lines that fell out of a handle's ring before they were tallied (must be 0). */
  untalliedLines: number;
  dir: string;
}
