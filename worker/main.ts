/**
 * A generic worker process: loads task modules named by `DROVER_TASK_MODULES`
 * (comma-separated paths or URLs) and runs their families.
 *
 * A task module exports either `tasks` (an array of families) or
 * `createTasks({ dataDir })` returning such an array (or an object with `all`);
 * and, when its targets are not `LocalTarget`s, `stagedKinds`: how to restore
 * each kind of staged output (`{ s3: restoreS3Staged }`), so that a restarted
 * worker can commit or discard what an earlier process staged.
 *
 *     DROVER_TASK_MODULES=./examples/tasks.ts deno run -A worker/main.ts
 *
 * `drover worker` runs the same function.
 */
import type { AnyTaskFamily } from "../shared/task.ts";
import type { StagedDescription, StagedOutput } from "../shared/targets/target.ts";
import type { Worker } from "./mod.ts";
import { registerStagedKind } from "./restore_staged.ts";
import { runWorkerProcess } from "./process.ts";

/** Imports each module and collects the families it exports. */
async function loadTaskModules(
  specifiers: string[],
  dataDir: string,
): Promise<AnyTaskFamily[]> {
  const families: AnyTaskFamily[] = [];
  for (const spec of specifiers) {
    const url = /^[a-z]+:/.test(spec) ? spec : new URL(spec, `file://${Deno.cwd()}/`).href;
    const mod = await import(url) as Record<string, unknown>;
    registerKinds(spec, mod.stagedKinds);
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
    families.push(...(exported as AnyTaskFamily[]));
  }
  return families;
}

/** Registers a module's `stagedKinds` (kind → restore function), if it has any. */
function registerKinds(spec: string, kinds: unknown): void {
  if (kinds === undefined) return;
  const entries = kinds !== null && typeof kinds === "object" ? Object.entries(kinds) : [];
  if (entries.length === 0 || entries.some(([, f]) => typeof f !== "function")) {
    throw new TypeError(
      `Task module "${spec}" exports "stagedKinds" that is not { kind: (description) => StagedOutput }`,
    );
  }
  for (const [kind, restore] of entries) {
    registerStagedKind(kind, restore as (d: StagedDescription) => StagedOutput);
  }
}

/**
 * Runs a worker configured by `env` with the families of the task modules
 * `DROVER_TASK_MODULES` names; a bad variable or module exits 2 saying why.
 * Resolves with the running worker; SIGTERM or SIGINT (or a drain) exits 0.
 */
export function runTaskModulesWorker(env: Record<string, string | undefined>): Promise<Worker> {
  return runWorkerProcess(env, (config) => {
    const modules = (env.DROVER_TASK_MODULES ?? "").split(",").map((s) => s.trim())
      .filter(Boolean);
    if (modules.length === 0) {
      throw new TypeError(
        "Set DROVER_TASK_MODULES to the task modules this worker runs (comma-separated)",
      );
    }
    return loadTaskModules(modules, config.dataDir);
  });
}

if (import.meta.main) {
  await runTaskModulesWorker(Deno.env.toObject());
}
