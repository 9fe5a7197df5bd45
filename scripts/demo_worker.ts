/**
 * The worker of `deno task demo`: the regional families of
 * `examples/regional.ts`, told this worker's name and labels so their outputs
 * record where they ran. Configured by `DROVER_*` variables like any worker.
 */
import { createRegionalTasks } from "../examples/regional.ts";
import { runWorkerProcess } from "../worker/process.ts";

if (import.meta.main) {
  await runWorkerProcess(
    Deno.env.toObject(),
    (config) =>
      createRegionalTasks(config.dataDir, { name: config.name, labels: config.labels }).all,
  );
}
