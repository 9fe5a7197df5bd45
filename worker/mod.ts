/**
 * Build your own Drover worker: import your task families and start it.
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
import type { TaskFamily } from "../shared/task.ts";
import { loadWorkerConfig, type WorkerConfig } from "./config.ts";
import { Outbox } from "./outbox.ts";
import { newWorkerId, Runner, WORKER_VERSION, type WorkerStats } from "./runner.ts";
import { PROTOCOL_VERSION } from "../shared/protocol.ts";
import { atomicWrite } from "../shared/targets/local_target.ts";

export { defineTask } from "../shared/task.ts";
export type {
  BatchMember,
  Inputs,
  Outputs,
  RetryPolicy,
  Staged,
  TaskContext,
  TaskDefinition,
  TaskFamily,
  TaskInstance,
} from "../shared/task.ts";
export { atomicWrite, LocalTarget } from "../shared/targets/local_target.ts";
export type { StagedDescription, StagedOutput, Target } from "../shared/targets/target.ts";
export {
  LeaseLostError,
  PermanentError,
  RetryableError,
  TaskCancelledError,
  TaskTimeoutError,
} from "../shared/errors.ts";
export { readJsonLines, toJsonLines, validateJsonLines } from "../shared/contract.ts";
export { delay } from "../shared/delay.ts";
export type { Labels, Selector } from "../shared/selector.ts";
export { registerStagedKind } from "./restore_staged.ts";
export { loadWorkerConfig, parseLabels, type WorkerConfig } from "./config.ts";
export { WORKER_VERSION, type WorkerStats } from "./runner.ts";

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
  /** The hub's URL (`http://…` or `https://…`). */
  hubUrl: string;
  /** The task families this worker runs. */
  // deno-lint-ignore no-explicit-any
  tasks: readonly TaskFamily<any, any>[];
  /** Labels tasks can pin to, e.g. `{ region: "eu-west" }`. */
  labels?: Labels;
  /** Leases held at once. Default 4. */
  slots?: number;
  /** A human name for the worker list. Default the host name. */
  name?: string;
  /** Where the outbox journal lives; without it, the outbox is kept in memory only. */
  stateDir?: string;
  /** Structured logger. Default JSON lines on standard error. */
  log?: Logger;
  /** Most tasks expanded in one expand lease. Default 20,000. */
  expandBudget?: number;
  /** Extra WebSocket request headers. */
  headers?: Record<string, string>;
  /** The worker token (`drover token create --role worker`), sent as a bearer token. */
  token?: string;
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
  /** Resolves when a hub first welcomes the worker. */
  readonly ready: Promise<void>;
  /** Counters since start. */
  readonly stats: WorkerStats;
  /** Resolves once the worker has closed (by `close()`, or drained by the hub). */
  readonly closed: Promise<void>;
  /** Stops taking work, lets running tasks finish within `graceMs`, hands back the rest. */
  close(graceMs?: number): Promise<void>;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a worker that connects out to a hub and runs `tasks`.
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
  const outbox = await Outbox.open(options.stateDir);
  const workerId = options.stateDir ? await persistentWorkerId(options.stateDir) : undefined;
  const runner = new Runner({
    hubUrl: options.hubUrl,
    families: options.tasks,
    labels: options.labels ?? {},
    slots,
    name: options.name ?? Deno.hostname(),
    log: options.log ?? createLogger(),
    outbox,
    expandBudget: options.expandBudget,
    headers: options.token
      ? { ...options.headers, authorization: `Bearer ${options.token}` }
      : options.headers,
    workerId,
  });
  runner.start();
  return {
    workerId: runner.workerId,
    ready: runner.ready,
    stats: runner.stats,
    closed: runner.closed,
    close: (graceMs) => runner.close(graceMs),
    [Symbol.asyncDispose]: () => runner.close(),
  };
}

/**
 * The body of a worker process: reads `env` (`DROVER_*`, exit 2 listing every
 * problem), starts a worker with the families `tasks(config)` returns, and
 * closes it gracefully on SIGTERM or SIGINT (running tasks get
 * `DROVER_WORKER_GRACE_MS`, then their leases are handed back).
 *
 * @example
 * ```ts ignore
 * import { runWorkerProcess } from "./mod.ts";
 * import { createTasks } from "../my_pipeline/tasks.ts";
 * if (import.meta.main) await runWorkerProcess(Deno.env.toObject(), (c) => createTasks(c.dataDir));
 * ```
 */
export async function runWorkerProcess(
  env: Record<string, string | undefined>,
  tasks: (config: WorkerConfig) => WorkerOptions["tasks"] | Promise<WorkerOptions["tasks"]>,
): Promise<Worker> {
  if (Deno.args.includes("--version")) {
    console.log(
      `drover-worker ${WORKER_VERSION} (protocol ${PROTOCOL_VERSION}, Deno ${Deno.version.deno})`,
    );
    Deno.exit(0);
  }
  let config: WorkerConfig;
  let families;
  try {
    config = loadWorkerConfig(env, Deno.hostname());
    families = await tasks(config);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const worker = await startWorker({
    hubUrl: config.hubUrl,
    tasks: families,
    labels: config.labels,
    slots: config.slots,
    name: config.name,
    stateDir: config.stateDir,
    token: config.token,
    log: createLogger({ level: config.logLevel }),
  });
  const stop = async () => {
    await worker.close(config.graceMs);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  // Drained by the hub: nothing more to do here.
  void worker.closed.then(() => Deno.exit(0));
  return worker;
}

/**
 * The worker's id, kept in its state directory: the hub only accepts results
 * and renewals from a lease's holder, so a restarted worker must still be the
 * same worker to deliver what its outbox holds. (One state directory per
 * worker process.)
 */
async function persistentWorkerId(stateDir: string): Promise<string> {
  const path = `${stateDir}/worker-id`;
  try {
    const id = (await Deno.readTextFile(path)).trim();
    if (/^w_[0-9a-f]{16}$/.test(id)) return id;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const id = newWorkerId();
  await atomicWrite(path, id + "\n");
  return id;
}
