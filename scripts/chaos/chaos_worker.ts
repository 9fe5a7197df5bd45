/**
 * A worker process that runs the chaos families (`scripts/chaos/chaos_tasks.ts`),
 * writing to the stores `CHAOS_TARGETS` names (`s3,sql`), whose staged
 * outputs a restarted worker restores.
 */
import { registerStagedKind } from "../../worker/mod.ts";
import { runWorkerProcess } from "../../worker/process.ts";
import { restoreS3Staged, S3_KIND } from "../../targets/s3_target.ts";
import { restoreSqlStaged, SQL_KIND } from "../../targets/sql_table_target.ts";
import { CHAOS_TARGETS, type ChaosTarget, createChaosTasks } from "./chaos_tasks.ts";

if (import.meta.main) {
  registerStagedKind(S3_KIND, restoreS3Staged);
  registerStagedKind(SQL_KIND, restoreSqlStaged);
  const targets = (Deno.env.get("CHAOS_TARGETS") ?? "").split(",").filter((t): t is ChaosTarget =>
    (CHAOS_TARGETS as readonly string[]).includes(t)
  );
  await runWorkerProcess(
    Deno.env.toObject(),
    (config) => createChaosTasks(config.dataDir, targets).all,
  );
}
