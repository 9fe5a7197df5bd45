/**
 * The worker of `deno task demo`: the regional families of
 * `examples/regional.ts`, told this worker's name and labels so their outputs
 * record where they ran, and the object-store and warehouse families of
 * `examples/warehouse.ts` (whose staged outputs a restarted worker restores).
 * Configured by `DROVER_*` variables like any worker.
 */
import { createRegionalTasks } from "../examples/regional.ts";
import { createWarehouseTasks, stagedKinds } from "../examples/warehouse.ts";
import { registerStagedKind } from "../worker/mod.ts";
import { runWorkerProcess } from "../worker/process.ts";

if (import.meta.main) {
  for (const [kind, restore] of Object.entries(stagedKinds)) registerStagedKind(kind, restore);
  await runWorkerProcess(
    Deno.env.toObject(),
    (config) => [
      ...createRegionalTasks(config.dataDir, { name: config.name, labels: config.labels }).all,
      ...createWarehouseTasks().all,
    ],
  );
}
