/**
 * Accepting a delivery from outside (a webhook's, a stream message): the run
 * and the delivery's key in one transaction, so that a key delivered again (a
 * retry, a replay, a redelivery) finds the first run and makes no second.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { newId } from "../db/new_id.ts";
import type { FamilyLookup } from "./family_defaults.ts";
import { submitRun } from "./submit_run.ts";

/** Where deliveries' keys are kept: a hook's, or a trigger's. */
const TABLES = {
  hook: { table: sql.raw("hook_deliveries"), owner: sql.raw("hook_id") },
  trigger: { table: sql.raw("trigger_deliveries"), owner: sql.raw("trigger_id") },
} as const;

/** What a delivery submits. */
export interface Delivery {
  /** The hook or trigger it came through. */
  source: { kind: keyof typeof TABLES; id: string; name: string; family: string; priority: number };
  key: string;
  taskId: string;
  version: number;
  params: unknown;
  families: FamilyLookup;
  now: number;
}

/** Starts the delivery's run, unless its key was delivered before: then the first run. */
export async function acceptDelivery(
  tx: Tx,
  d: Delivery,
): Promise<{ runId: string; duplicate: boolean }> {
  const { table, owner } = TABLES[d.source.kind];
  const runId = newId("run");
  const inserted = await tx.all<{ run_id: string }>(sql`
    INSERT INTO ${table} (${owner}, key, run_id, received_at)
    VALUES (${d.source.id}, ${d.key}, ${runId}, ${d.now})
    ON CONFLICT (${owner}, key) DO NOTHING RETURNING run_id`);
  if (inserted.length === 0) {
    const [first] = await tx.all<{ run_id: string }>(sql`
      SELECT run_id FROM ${table} WHERE ${owner} = ${d.source.id} AND key = ${d.key}`);
    return { runId: first!.run_id, duplicate: true };
  }
  await submitRun(tx, {
    runId,
    taskId: d.taskId,
    family: d.source.family,
    version: d.version,
    params: d.params,
    families: d.families,
    priority: d.source.priority,
    submittedBy: `${d.source.kind}:${d.source.name}`,
    now: d.now,
  });
  return { runId, duplicate: false };
}
