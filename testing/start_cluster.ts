/**
 * The end-to-end cluster of tests, benchmarks and scripts: one or more hub
 * processes on one file database and N worker processes, all on 127.0.0.1,
 * under one directory. Disposing it stops every process by its own handle
 * (workers first, so they hand their leases back to a live hub) and removes
 * the directory it made.
 *
 * @module
 */
import { checkInvariantsAt } from "../hub/db/check_invariants.ts";
import { testDbUrl } from "./postgres.ts";
import { generateToken } from "../shared/token_format.ts";
import type { ApiClient } from "./api_client.ts";
import type { ProcessHandle } from "./process_handle.ts";
import { type HubProcess, spawnHub, type SpawnHubOptions } from "./spawn_hub.ts";
import { spawnWorker, type SpawnWorkerOptions } from "./spawn_worker.ts";
import { waitForWorkers } from "./wait_for_workers.ts";

/** One worker of a cluster. */
export interface WorkerSpec {
  name: string;
  slots?: number;
  /** `DROVER_WORKER_LABELS`, e.g. "region=eu-west". */
  labels?: string;
  /** Added to the cluster's `worker.env`. */
  env?: Record<string, string>;
  /** Extra `deno run` flags for this worker (e.g. `--inspect=…`). */
  denoArgs?: string[];
  /** Which of the cluster's hubs it connects to (an index). Default 0. */
  hub?: number;
}

/** Options for {@link startCluster}. */
export interface ClusterOptions {
  /** Names the temporary directory: `drover-<name>-…`. */
  name: string;
  /** Work in this directory instead (created if missing, left in place). */
  dir?: string;
  /**
   * The ids of the hubs, started one at a time (the first migrates the
   * database). Default: one hub, which picks its own id.
   */
  hubIds?: readonly string[];
  /** Settings of every hub. */
  hub?: Pick<
    SpawnHubOptions,
    "leaseTtlMs" | "logLevel" | "entry" | "listeningMsg" | "env" | "denoArgs"
  >;
  /** The entry module of every worker, relative to the repository root. */
  workerEntry: string;
  workers: readonly WorkerSpec[];
  /** Defaults of every worker. */
  worker?: Pick<SpawnWorkerOptions, "slots" | "logLevel" | "env">;
  /** The URL workers dial for `hub` (e.g. a proxy in front of it). Default the hub's own. */
  workerHubUrl?: (hub: HubProcess) => string;
  /** Copy every process's log lines to standard error. */
  echo?: boolean;
  /** When disposed, fail (keeping the directory) if the database breaks an invariant. */
  checkInvariants?: boolean;
  /** Aborting it during start-up stops what was started and rejects. */
  signal?: AbortSignal;
  /** The hubs' database (e.g. `postgres://…`, empty); default a libSQL file in the directory. */
  dbUrl?: string;
}

/** A running cluster. */
export interface Cluster extends AsyncDisposable {
  /** Holds `hub.db` (unless `dbUrl` was given), `data/` and `state/<worker>/`. */
  readonly dir: string;
  readonly dbUrl: string;
  /** `DROVER_DATA_DIR` of every worker. */
  readonly dataDir: string;
  /** The admin token every hub stored. */
  readonly adminToken: string;
  readonly hubs: readonly HubProcess[];
  /** The first hub. */
  readonly hub: HubProcess;
  /** The first hub's API, as admin. */
  readonly api: ApiClient;
  readonly workers: readonly ProcessHandle[];
  /** The worker named `name`; throws for an unknown name. */
  worker(name: string): ProcessHandle;
  /** Stops the workers, then the hubs (once; later calls share the first). */
  stop(): Promise<void>;
}

/**
 * Starts the hubs, then the workers, and resolves once the first hub lists
 * every worker as connected (whatever their log level).
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: `drover-${options.name}-` });
  if (!ownDir) await Deno.mkdir(dir, { recursive: true });
  // Under `deno task test:postgres tests/…`, every cluster gets a PostgreSQL database.
  const dbUrl = options.dbUrl ?? await testDbUrl(dir);
  const dataDir = `${dir}/data`;
  const adminToken = generateToken().token;
  const hubs: HubProcess[] = [];
  const workers: ProcessHandle[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(hubs.map((h) => h.stop()));
    })();
  try {
    for (const hubId of options.hubIds ?? [undefined]) {
      options.signal?.throwIfAborted();
      hubs.push(
        await spawnHub({
          ...options.hub,
          env: { DROVER_DATA_DIR: dataDir, ...options.hub?.env },
          dbUrl,
          hubId,
          adminToken,
          echo: options.echo,
        }),
      );
    }
    const started = await Promise.allSettled(
      options.workers.map((spec) => startWorker(options, spec, hubs, dir)),
    );
    for (const s of started) if (s.status === "fulfilled") workers.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    options.signal?.throwIfAborted();
    await waitForWorkers(hubs[0]!.api, options.workers.map((w) => w.name), workers, {
      signal: options.signal,
    });
  } catch (error) {
    await stop();
    if (ownDir) await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return {
    dir,
    dbUrl,
    dataDir,
    adminToken,
    hubs,
    hub: hubs[0]!,
    api: hubs[0]!.api,
    workers,
    worker(name) {
      const found = workers.find((w) => w.name === name);
      if (!found) throw new RangeError(`No worker is named "${name}" in the cluster in ${dir}`);
      return found;
    },
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
      if (options.checkInvariants) {
        const violations = await checkInvariantsAt(dbUrl);
        if (violations.length > 0) {
          throw new Error(
            `The database breaks invariants (kept in ${dir}): ${JSON.stringify(violations)}`,
          );
        }
      }
      if (ownDir) await Deno.remove(dir, { recursive: true });
    },
  };
}

async function startWorker(
  options: ClusterOptions,
  spec: WorkerSpec,
  hubs: readonly HubProcess[],
  dir: string,
): Promise<ProcessHandle> {
  const hub = hubs[spec.hub ?? 0];
  if (!hub) {
    throw new RangeError(`Worker "${spec.name}" names hub ${spec.hub}, which is not started`);
  }
  return await spawnWorker({
    hub,
    hubUrl: options.workerHubUrl?.(hub),
    entry: options.workerEntry,
    name: spec.name,
    slots: spec.slots ?? options.worker?.slots,
    labels: spec.labels,
    logLevel: options.worker?.logLevel,
    env: { ...options.worker?.env, ...spec.env },
    denoArgs: spec.denoArgs,
    stateDir: `${dir}/state/${spec.name}`,
    dataDir: `${dir}/data`,
    echo: options.echo,
    // Whatever its log level, the hub's worker list says when it is connected.
    waitConnected: false,
  });
}
