/**
 * A worker process loaded with the example pipelines: `deno task worker`.
 * Configured by `DROVER_*` variables (see the README). This is the whole of a
 * custom worker binary: your task modules plus `runWorkerProcess`.
 */
import { runWorkerProcess } from "../worker/process.ts";
import { createExampleTasks } from "./tasks.ts";

if (import.meta.main) {
  await runWorkerProcess(Deno.env.toObject(), (config) => createExampleTasks(config.dataDir).all);
}
