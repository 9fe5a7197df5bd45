/**
 * The body of a worker process: the one place in the runtime that reads
 * `Deno.args`, listens for signals and exits.
 *
 * @module
 */
import { createLogger } from "../shared/log.ts";
import { PROTOCOL_VERSION } from "../shared/protocol.ts";
import { loadWorkerConfig, type WorkerConfig } from "./config.ts";
import { readCaFile } from "./read_ca_file.ts";
import { startWorker, type Worker, type WorkerOptions } from "./mod.ts";
import { WORKER_VERSION } from "./worker_version.ts";

/**
 * Runs a worker process: with `--version`, prints the versions and exits 0;
 * otherwise reads `env` (`DROVER_*`, exit 2 listing every problem), starts a
 * worker with the families `tasks(config)` returns, and closes it gracefully
 * on SIGTERM or SIGINT (running tasks get `DROVER_WORKER_GRACE_MS`, then
 * their leases are handed back) or when the hub drains it, exiting 0. When
 * the hub refuses it for good (no token, an unknown or revoked one, labels
 * outside the token's scope), or the hub's TLS certificate is not one it
 * trusts (`DROVER_HUB_CA_FILE` adds a CA), it says why in one line and exits 2.
 *
 * @example
 * ```ts ignore
 * import { runWorkerProcess } from "./process.ts";
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
  let caCerts: string[] | undefined;
  try {
    config = loadWorkerConfig(env, Deno.hostname());
    caCerts = config.hubCaFile ? await readCaFile(config.hubCaFile) : undefined;
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
    prefetch: config.prefetch,
    coalesceMs: config.coalesceMs,
    name: config.name,
    stateDir: config.stateDir,
    token: config.token,
    caCerts,
    log: createLogger({ level: config.logLevel }),
    captureConsole: config.captureConsole,
    taskLogs: { level: config.logLevel },
  });
  const stop = async () => {
    await worker.close(config.graceMs);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  // Drained by the hub: nothing more to do here. Refused for good: say why,
  // in one line, and exit 2 (a configuration error: do not restart).
  void worker.closed.then(() => {
    if (worker.refusal) {
      console.error(worker.refusal.message);
      Deno.exit(2);
    }
    Deno.exit(0);
  });
  return worker;
}
