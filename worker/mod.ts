/**
 * Build your own Drover worker: import your task families and start it. This
 * module also re-exports everything task authors use (`shared/mod.ts`), so a
 * worker and its tasks can import from one place; a process entry point
 * (reading `DROVER_*`, exiting on signals) is `worker/process.ts`.
 *
 * @example
 * ```ts ignore
 * import { startWorker } from "./mod.ts";
 * import { myTasks } from "../my_pipeline/tasks.ts";
 * const worker = await startWorker({
 *   hubUrl: "http://127.0.0.1:8080",
 *   tasks: myTasks,
 *   labels: { region: "eu-west" },
 *   slots: 4,
 * });
 * Deno.addSignalListener("SIGTERM", () => worker.close());
 * ```
 *
 * @module
 */
import { createLogger, type Logger } from "../shared/log.ts";
import type { Labels } from "../shared/selector.ts";
import type { AnyTaskFamily } from "../shared/task.ts";
import { ConsoleCapture } from "./console_capture.ts";
import type { TaskLogLimits } from "./task_log_limits.ts";
import { Outbox } from "./outbox.ts";
import { Session } from "./session.ts";
import type { WorkerRefusedError } from "./worker_refused_error.ts";
import { StagingJournal } from "./staging_journal.ts";
import { newWorkerId, persistentWorkerId } from "./worker_id.ts";
import type { WorkerStats } from "./worker_stats.ts";

export * from "../shared/mod.ts";
export { registerStagedKind } from "./restore_staged.ts";
export { loadWorkerConfig, parseLabels, type WorkerConfig } from "./config.ts";
export { WORKER_VERSION } from "./worker_version.ts";
export { WorkerRefusedError } from "./worker_refused_error.ts";
export type { WorkerStats } from "./worker_stats.ts";
export { DEFAULT_TASK_LOG_LIMITS, type TaskLogLimits } from "./task_log_limits.ts";

/**
 * Options for {@link startWorker}.
 *
 * @example
 * ```ts
 * import type { WorkerOptions } from "./mod.ts";
 * const options: WorkerOptions = { hubUrl: "http://127.0.0.1:8080", tasks: [] };
 * ```
 */
export interface WorkerOptions {
  /** The hub's URL (`http://…` or `https://…`); several, comma-separated, are tried in turn. */
  hubUrl: string;
  /** The task families this worker runs. */
  tasks: readonly AnyTaskFamily[];
  /** Labels tasks can pin to, e.g. `{ region: "eu-west" }`. */
  labels?: Labels;
  /** Tasks run at once. Default 4. */
  slots?: number;
  /**
   * Grants a worker may hold beyond its free slots, each waiting to start
   * as soon as a slot frees (its lease renewed meanwhile), so that a worker
   * far from its hub need not wait a round trip per short task. The hub
   * fills every worker's free slots before it fills any prefetch. Default 0
   * (off): a prefetched lease waits behind the tasks running on its worker
   * even when another worker is idle, and is not re-ordered by priority or
   * moved by a region's spill-over; turn it on for short tasks far from the hub.
   */
  prefetch?: number;
  /**
   * How long a frame waits for others to go out with it in one message, in
   * milliseconds. Default 0: what one turn of the event loop sends goes
   * together, at no measurable delay; above 0, a timer (at least ~2 ms).
   */
  coalesceMs?: number;
  /** A human name for the worker list. Default the host name. */
  name?: string;
  /**
   * Where the worker keeps its id, its outbox journal and its staging
   * journal; without it, they live in memory only (a restart starts afresh).
   */
  stateDir?: string;
  /** Structured logger. Default JSON lines on standard error. */
  log?: Logger;
  /** The worker token (`drover token create --role worker`), sent as a bearer token. */
  token?: string;
  /**
   * Certificate authorities (PEM text) trusted for `https://` hubs besides
   * the default roots: the CA that signed a hub's private certificate. A hub
   * whose certificate the worker does not trust ends the worker, with a
   * {@link WorkerRefusedError} of code `untrusted_certificate` as its refusal.
   */
  caCerts?: readonly string[];
  /**
   * Also ship what task code prints with `console.log`, `info`, `debug`,
   * `warn` and `error` while an attempt runs, as lines of that attempt's log
   * (instead of printing it). Default false.
   */
  captureConsole?: boolean;
  /**
   * Bounds on the task log lines shipped to the hub (buffer, per-attempt cap,
   * batch interval) and the lowest level shipped; defaults in `DEFAULT_TASK_LOG_LIMITS`.
   */
  taskLogs?: Partial<TaskLogLimits>;
}

/**
 * A running worker.
 *
 * @example
 * ```ts
 * import type { Worker } from "./mod.ts";
 * async function stop(w: Worker) {
 *   await w.close(5_000);
 * }
 * ```
 */
export interface Worker {
  /** This process's worker id. */
  readonly workerId: string;
  /**
   * Resolves when a hub first welcomes the worker; rejects with a
   * `WorkerRefusedError` when the hub refuses it for good (no token, an
   * unknown or revoked one, labels outside its scope), and the worker closes.
   */
  readonly ready: Promise<void>;
  /** Why the hub refused the worker for good, or null. */
  readonly refusal: WorkerRefusedError | null;
  /** Counters since start. */
  readonly stats: WorkerStats;
  /** Resolves once the worker has closed (by `close()`, or drained by the hub). */
  readonly closed: Promise<void>;
  /**
   * Stops taking work, lets running tasks finish within `graceMs` (default
   * 10 s), then hands the rest back: their signals abort with a
   * `WorkerShutdownError`.
   */
  close(graceMs?: number): Promise<void>;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a worker that connects out to a hub and runs `tasks`. With a state
 * directory, it first reads back its outbox (results a previous process could
 * not deliver) and discards the staged outputs that killed attempts left and
 * no pending result needs.
 *
 * @example
 * ```ts ignore
 * import { z } from "zod";
 * import { defineTask, startWorker } from "./mod.ts";
 * const Ping = defineTask({ family: "Ping", params: z.object({}), run: async () => {} });
 * await using worker = await startWorker({ hubUrl: "http://127.0.0.1:8080", tasks: [Ping] });
 * await worker.ready;
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const slots = options.slots ?? 4;
  if (!Number.isInteger(slots) || slots < 1) {
    throw new TypeError(`Worker slots must be a positive integer, not ${slots}`);
  }
  const prefetch = options.prefetch ?? 0;
  if (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > 10_000) {
    throw new TypeError(`Worker prefetch must be an integer from 0 to 10000, not ${prefetch}`);
  }
  const coalesceMs = options.coalesceMs ?? 0;
  if (!Number.isFinite(coalesceMs) || coalesceMs < 0 || coalesceMs > 1_000) {
    throw new TypeError(`Worker coalesceMs must be from 0 to 1000 ms, not ${coalesceMs}`);
  }
  const log = options.log ?? createLogger();
  const outbox = await Outbox.open(options.stateDir);
  const pending = outbox.entries().flatMap((e) => e.staged);
  const journal = await StagingJournal.open(options.stateDir, pending, log);
  const capture = options.captureConsole ? new ConsoleCapture() : undefined;
  const session = new Session({
    hubUrl: options.hubUrl,
    families: options.tasks,
    labels: options.labels ?? {},
    slots,
    prefetch,
    coalesceMs,
    name: options.name ?? Deno.hostname(),
    log,
    outbox,
    journal,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
    caCerts: options.caCerts,
    workerId: options.stateDir ? await persistentWorkerId(options.stateDir) : newWorkerId(),
    taskLogs: { ...options.taskLogs, capture },
  });
  capture?.install();
  void session.closed.then(() => capture?.uninstall());
  session.start();
  return {
    workerId: session.workerId,
    ready: session.ready,
    get refusal() {
      return session.refusal;
    },
    stats: session.stats,
    closed: session.closed,
    close: (graceMs) => session.close(graceMs),
    [Symbol.asyncDispose]: () => session.close(),
  };
}
