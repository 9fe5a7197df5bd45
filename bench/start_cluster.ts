/**
 * One hub process (`bench/hub.ts`) on a file database and N worker processes
 * (`bench/worker.ts`), all on 127.0.0.1, under one directory. Every process
 * is stopped by its own handle.
 */
import {
  api,
  LOCAL_ADMIN_TOKEN,
  type LogLine,
  ProcessHandle,
  spawnWorker,
} from "../scripts/local_cluster.ts";
import { processCpuSeconds } from "./process_cpu.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Options for {@link startCluster}. */
export interface ClusterOptions {
  /** Holds `bench.db`, `data/` and the workers' state directories. */
  dir: string;
  workers: number;
  slots: number;
  hubLogLevel: string;
  workerLogLevel: string;
  leaseTtlMs?: number;
  /** Copy every process's log lines to standard error. */
  echo?: boolean;
}

/** The hub's in-memory figures, read from its last log line. */
export interface HubStats {
  writeQueue: {
    transactions: number;
    operations: number;
    largestBatch: number;
    failedCommits: number;
  };
  counters: Record<string, number>;
}

/** CPU seconds used so far by the hub and by all workers together (null off Linux). */
export interface CpuSnapshot {
  hub: number | null;
  workers: number | null;
}

/** A running cluster. */
export interface Cluster {
  readonly url: string;
  readonly dataDir: string;
  readonly hub: ProcessHandle;
  readonly workers: readonly ProcessHandle[];
  /** CPU time used so far, per side. */
  cpu(): CpuSnapshot;
  /** Stops the workers, then the hub (once); returns the hub's figures if it logged them. */
  stop(): Promise<HubStats | null>;
  /** Same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the hub, then the workers, and waits until every worker is connected. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dataDir = `${options.dir}/data`;
  const hub = spawnBenchHub(options);
  const workers: ProcessHandle[] = [];
  let stopped: Promise<HubStats | null> | null = null;
  const stop = () =>
    stopped ??= (async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await hub.stop();
      const line = hub.lines.findLast((l) => l.msg === "bench hub stats");
      return line ? { writeQueue: line.writeQueue, counters: line.counters } as HubStats : null;
    })();
  try {
    const listening = await hub.waitFor(
      (l) => l.msg === "bench hub listening",
      30_000,
      '"bench hub listening"',
    );
    const url = String(listening.url);
    if (!url.startsWith("http://127.0.0.1:")) {
      throw new Error(`The bench hub listens on ${url}, not on 127.0.0.1`);
    }
    // One at a time, so that a failed spawn leaves every started process in `workers` to stop.
    for (let i = 1; i <= options.workers; i++) {
      workers.push(
        await spawnWorker({
          hubUrl: url,
          entry: "bench/worker.ts",
          name: `bench-w${i}`,
          slots: options.slots,
          stateDir: `${options.dir}/state/w${i}`,
          dataDir,
          logLevel: options.workerLogLevel,
          echo: options.echo,
          // At warn level a worker does not log its welcome: the hub's worker list is asked instead.
          waitConnected: false,
        }),
      );
    }
    await waitForWorkers(url, options.workers, workers);
    const cpu = (): CpuSnapshot => {
      const perWorker = workers.map((w) => processCpuSeconds(w.pid));
      return {
        hub: processCpuSeconds(hub.pid),
        workers: perWorker.some((s) => s === null)
          ? null
          : perWorker.reduce<number>((sum, s) => sum + (s ?? 0), 0),
      };
    };
    return {
      url,
      dataDir,
      hub,
      workers,
      cpu,
      stop,
      [Symbol.asyncDispose]: async () => {
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Counts warn and error lines per message, over every process of the cluster. */
export function tallyWarnings(processes: readonly ProcessHandle[]): Record<string, number> {
  const tally: Record<string, number> = {};
  const add = (l: LogLine, name: string) => {
    if (l.level !== "warn" && l.level !== "error") return;
    const key = `${name}: ${l.level} ${l.msg ?? "?"}`;
    tally[key] = (tally[key] ?? 0) + 1;
  };
  for (const p of processes) {
    for (const l of p.lines) add(l, p.name.startsWith("bench-w") ? "worker" : "hub");
  }
  return tally;
}

function spawnBenchHub(options: ClusterOptions): ProcessHandle {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}bench/hub.ts`],
    cwd: ROOT,
    env: {
      DROVER_DB_URL: `file:${options.dir}/bench.db`,
      DROVER_HOST: "127.0.0.1",
      DROVER_PORT: "0",
      DROVER_DATA_DIR: `${options.dir}/data`,
      DROVER_LEASE_TTL_MS: String(options.leaseTtlMs ?? 15_000),
      DROVER_LOG_LEVEL: options.hubLogLevel,
      DROVER_ADMIN_TOKEN: LOCAL_ADMIN_TOKEN,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return new ProcessHandle(child, "hub", options.echo);
}

async function waitForWorkers(
  url: string,
  count: number,
  processes: readonly ProcessHandle[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let connected = 0;
  while (Date.now() < deadline) {
    const dead = processes.find((p) => p.exited);
    if (dead) {
      const tail = dead.lines.slice(-10).map((l) => JSON.stringify(l)).join("\n");
      throw new Error(`Worker ${dead.name} exited during start-up. Last lines:\n${tail}`);
    }
    const { body } = await api<{ workers: Array<{ name: string; state: string }> }>(
      url,
      "/api/workers",
    );
    connected = body.workers.filter((w) => w.state === "connected").length;
    if (connected >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Only ${connected} of ${count} workers connected within ${timeoutMs} ms`);
}
