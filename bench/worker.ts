/**
 * A worker process loaded with the benchmark families (`bench/tasks.ts`).
 * Configured by `DROVER_*` variables, like `examples/worker.ts`.
 */
import { runWorkerProcess } from "../worker/process.ts";
import { createBenchTasks } from "./tasks.ts";

if (import.meta.main) {
  await runWorkerProcess(Deno.env.toObject(), (config) => createBenchTasks(config.dataDir).all);
}
