/** A worker process that runs the chaos families (`scripts/chaos/chaos_tasks.ts`). */
import { runWorkerProcess } from "../../worker/process.ts";
import { createChaosTasks } from "./chaos_tasks.ts";

if (import.meta.main) {
  await runWorkerProcess(Deno.env.toObject(), (config) => createChaosTasks(config.dataDir).all);
}
