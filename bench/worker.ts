/**
 * A worker process loaded with the benchmark families (`bench/tasks.ts`).
 * Configured by `DROVER_*` variables, like `examples/worker.ts`.
 */
import { createLogger } from "../shared/log.ts";
import { loadWorkerConfig, startWorker } from "../worker/mod.ts";
import { createBenchTasks } from "./tasks.ts";

if (import.meta.main) {
  let config;
  try {
    config = loadWorkerConfig(Deno.env.toObject(), Deno.hostname());
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const worker = await startWorker({
    hubUrl: config.hubUrl,
    tasks: createBenchTasks(config.dataDir).all,
    labels: config.labels,
    slots: config.slots,
    name: config.name,
    stateDir: config.stateDir,
    log: createLogger({ level: config.logLevel }),
  });
  const stop = async () => {
    await worker.close(config.graceMs);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
