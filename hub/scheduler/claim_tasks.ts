/**
 * Leases ready tasks to a worker: one conditional `update … returning`.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import type { LeaseKind } from "../db/schema.ts";

/** A lease just granted. */
export interface ClaimedTask {
  id: string;
  kind: LeaseKind;
  family: string;
  version: number;
  params: string;
  attempt: number;
  epoch: number;
}

/** What a worker can take. */
export interface ClaimRequest {
  workerId: string;
  /** Pin keys (stored selectors) this worker's labels match; `""` is "any worker". */
  pins: readonly string[];
  /** `family@version` pairs the worker can run. */
  families: readonly { name: string; version: number }[];
  limit: number;
  now: number;
  ttlMs: number;
}

/**
 * Claims up to `limit` ready tasks for a worker, highest priority first, then
 * oldest. Candidates are read per (pin, family, version) through the partial
 * claim index (so the order comes from the index, not a sort, and a queue of
 * other families' work costs nothing), and the update re-checks
 * `state = 'ready'`, so a task is never leased twice even with several hubs.
 * Every grant bumps the task's fencing epoch; run grants count an attempt.
 */
export async function claimTasks(tx: Tx, req: ClaimRequest): Promise<ClaimedTask[]> {
  if (req.limit <= 0 || req.pins.length === 0 || req.families.length === 0) return [];
  const candidates: Array<{ id: string; priority: number; created_at: number }> = [];
  for (const pin of req.pins) {
    for (const f of req.families) {
      const rows = await tx.all<{ id: string; priority: number; created_at: number }>(sql`
        SELECT id, priority, created_at FROM tasks INDEXED BY tasks_claim_idx
        WHERE state = 'ready' AND pin = ${pin} AND family = ${f.name} AND version = ${f.version}
          AND next_attempt_at <= ${req.now}
        ORDER BY priority DESC, created_at
        LIMIT ${req.limit}`);
      candidates.push(...rows);
    }
  }
  if (candidates.length === 0) return [];
  candidates.sort((a, b) => b.priority - a.priority || a.created_at - b.created_at);
  const chosen = candidates.slice(0, req.limit);
  const ids: SQL[] = chosen.map((c) => sql`${c.id}`);
  const claimed = await tx.all<ClaimedTask>(sql`
    UPDATE tasks SET
      state = 'leased',
      lease_owner = ${req.workerId},
      lease_epoch = lease_epoch + 1,
      lease_expires_at = ${req.now + req.ttlMs},
      attempt = attempt + (kind = 'run'),
      started_at = ${req.now},
      updated_at = ${req.now},
      status_message = NULL,
      progress = NULL
    WHERE id IN (${sql.join(ids, sql`, `)}) AND state = 'ready'
    RETURNING id, kind, family, version, params, attempt, lease_epoch AS epoch`);
  // RETURNING order is unspecified: grant in claim order (priority, then age).
  const rank = new Map(chosen.map((c, i) => [c.id, i]));
  claimed.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  for (const c of claimed) {
    await tx.run(sql`
      INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at)
      VALUES (${c.id}, ${c.kind}, ${c.epoch}, ${c.attempt}, ${req.workerId}, ${req.now})`);
  }
  return claimed;
}
