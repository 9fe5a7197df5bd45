/**
 * Folds into a run's counts what claims appended beside them (PostgreSQL,
 * where claims of several hubs run at once and so do not update the shared
 * count rows: migration 0008). Nothing to do on SQLite, whose claims update
 * the counts in place. Runs in a write that excludes claims, so every
 * appended count is committed.
 */
import type { Tx } from "../db/client.ts";
import { rawAll } from "../db/raw_sql.ts";

/** Folds the appended run counts (see the module's note). */
export async function foldRunCounts(tx: Tx): Promise<void> {
  await rawAll(tx, {
    text: "SELECT 1 AS folded /*+ postgres: FROM run_counts_fold() */",
    args: [],
  });
}
