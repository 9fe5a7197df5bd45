/**
 * Backfills: submits the next days of each backfill while fewer than its
 * `maxConcurrent` runs are unfinished. Called on every dispatch tick by any hub.
 */
import type { Tx } from "../db/client.ts";
import type { FamilyLookup } from "./family_defaults.ts";

/** Submits what each backfill may start now; returns how many runs were submitted. */
export function advanceBackfills(_tx: Tx, _families: FamilyLookup, _now: number): Promise<number> {
  // Written with the backfill routes (issue 3): see hub/routes/backfills.ts.
  return Promise.resolve(0);
}
