/**
 * A generic worker process: loads task modules named by `DROVER_TASK_MODULES`
 * (comma-separated paths or URLs) and runs their families.
 *
 * A task module exports either `tasks` (an array of families) or
 * `createTasks({ dataDir })` returning such an array (or an object with `all`).
 *
 *     DROVER_TASK_MODULES=./examples/tasks.ts deno run -A worker/main.ts
 */
import type { TaskFamily } from "../shared/task.ts";
import { runWorkerProcess } from "./mod.ts";

// deno-lint-ignore no-explicit-any
type AnyFamily = TaskFamily<any, any>;

/** Imports each module and collects the families it exports. */
export async function loadTaskModules(specifiers: string[], dataDir: string): Promise<AnyFamily[]> {
  const families: AnyFamily[] = [];
  for (const spec of specifiers) {
    const url = /^[a-z]+:/.test(spec) ? spec : new URL(spec, `file://${Deno.cwd()}/`).href;
    const mod = await import(url) as Record<string, unknown>;
    let exported: unknown = mod.tasks;
    if (exported === undefined && typeof mod.createTasks === "function") {
      exported = (mod.createTasks as (o: { dataDir: string }) => unknown)({ dataDir });
    }
    if (exported && !Array.isArray(exported) && typeof exported === "object" && "all" in exported) {
      exported = (exported as { all: unknown }).all;
    }
    if (!Array.isArray(exported) || exported.length === 0) {
      throw new TypeError(
        `Task module "${spec}" exports no task families: export "tasks" (an array) or "createTasks({ dataDir })"`,
      );
    }
    families.push(...(exported as AnyFamily[]));
  }
  return families;
}

if (import.meta.main) {
  await runWorkerProcess(Deno.env.toObject(), (config) => {
    const modules = (Deno.env.get("DROVER_TASK_MODULES") ?? "").split(",").map((s) => s.trim())
      .filter(Boolean);
    if (modules.length === 0) {
      throw new TypeError(
        "Set DROVER_TASK_MODULES to the task modules this worker runs (comma-separated)",
      );
    }
    return loadTaskModules(modules, config.dataDir);
  });
}
