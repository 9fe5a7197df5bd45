/**
 * Parking: a run that found dynamic requirements not yet complete gives up
 * its slot; the requirements join the graph (as an expansion would add
 * them) and the task waits for them, then runs again from the start.
 */
import type { Tx } from "../db/client.ts";
import { applyExpansion, type Expansion, type ExpansionResult } from "./apply_expansion.ts";

/** Applies a `task.park`: the task's node lists its new requirements. */
export async function parkTask(
  tx: Tx,
  p: Omit<Expansion, "mode">,
): Promise<ExpansionResult> {
  return await applyExpansion(tx, { ...p, mode: "park" });
}
