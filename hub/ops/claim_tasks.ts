/**
 * Leases ready tasks to a worker with conditional `update … returning`
 * statements: never a task twice, never past a resource limit, never a task
 * of a disabled or paused family, nothing for a worker in a paused region;
 * a batchable task takes its ready siblings along.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import type { LeaseKind } from "../db/schema.ts";
import { DEFAULT_RESOURCE_LIMIT, resourceLimits, resourcesInUse } from "../queries/resources.ts";

/** A lease just granted. */
export interface ClaimedTask {
  id: string;
  kind: LeaseKind;
  family: string;
  version: number;
  params: string;
  attempt: number;
  epoch: number;
  /** Since when the task was claimable: it became ready, or its retry backoff ended. */
  queuedAt: number;
  /** Further members of a batch lease. */
  batch?: ClaimedTask[];
  /** Requirements already done, for a task that parked for dynamic requirements. */
  doneDeps?: string[];
  /** The run chose this task's pin: the worker must not hand it back for its own pin. */
  pinnedByRun?: boolean;
}

/** What a worker can take. */
export interface ClaimRequest {
  workerId: string;
  /** Pin keys (stored selectors) this worker's labels match; `""` is "any worker". */
  pins: readonly string[];
  /** `family@version` pairs the worker can run. */
  families: readonly { name: string; version: number }[];
  /** The worker's `region` label: while that region is paused, it gets nothing. */
  region?: string;
  /** Batch sizes of batchable families, by `name@version`. */
  batchSizes?: ReadonlyMap<string, number>;
  limit: number;
  now: number;
  ttlMs: number;
}

interface Candidate {
  id: string;
  priority: number;
  created_at: number;
  resources: string;
  kind: LeaseKind;
}

const RETURNING = sql`RETURNING id, kind, family, version, params, attempt, lease_epoch AS epoch,
  max(coalesce(ready_at, created_at), next_attempt_at) AS queued_at,
  batch_key, dynamic_rounds, pin_spill`;

/**
 * Claims up to `limit` ready tasks for a worker, highest priority first, then
 * oldest. Candidates are read per (pin, family, version) through the partial
 * claim index (so the order comes from the index, not a sort, and a queue of
 * other families' work costs nothing), and the update re-checks
 * `state = 'ready'`, so a task is never leased twice even with several hubs.
 * Every grant bumps the task's fencing epoch; run grants count an attempt.
 * Reads and updates share the write transaction, so the resource limits
 * read are the ones in force when the leases are granted, and every grant
 * has its attempt row.
 */
export async function claimTasks(tx: Tx, req: ClaimRequest): Promise<ClaimedTask[]> {
  if (req.limit <= 0 || req.pins.length === 0 || req.families.length === 0) return [];
  // One read for what holds claims back: disabled families (`name@version`),
  // paused families (every version) and the worker's region if it is paused.
  const held = await tx.all<{ kind: string; value: string }>(sql`
    SELECT 'disabled' AS kind, name || '@' || version AS value FROM families
    WHERE disabled_until > ${req.now}
    UNION ALL
    SELECT kind, value FROM pauses
    WHERE kind = 'family' OR kind = 'region' AND value = ${req.region ?? null}`);
  if (held.some((h) => h.kind === "region")) return [];
  const disabled = new Set(held.filter((h) => h.kind === "disabled").map((h) => h.value));
  const paused = new Set(held.filter((h) => h.kind === "family").map((h) => h.value));
  const families = req.families.filter((f) =>
    !disabled.has(`${f.name}@${f.version}`) && !paused.has(f.name)
  );
  // Read past the limit so that tasks waiting for a resource do not hide the rest.
  const window = Math.min(256, req.limit * 4);
  const candidates: Candidate[] = [];
  for (const pin of req.pins) {
    for (const f of families) {
      const rows = await tx.all<Candidate>(sql`
        SELECT id, priority, created_at, resources, kind FROM tasks INDEXED BY tasks_claim_idx
        WHERE state = 'ready' AND pin = ${pin} AND family = ${f.name} AND version = ${f.version}
          AND next_attempt_at <= ${req.now}
        ORDER BY priority DESC, created_at
        LIMIT ${window}`);
      candidates.push(...rows);
    }
  }
  if (candidates.length === 0) return [];
  candidates.sort((a, b) => b.priority - a.priority || a.created_at - b.created_at);
  const chosen = await withinResourceLimits(tx, candidates, req.limit);
  if (chosen.length === 0) return [];
  const ids: SQL[] = chosen.map((c) => sql`${c.id}`);
  const claimed = await tx.all<
    Omit<ClaimedTask, "queuedAt"> & {
      queued_at: number;
      batch_key: string | null;
      dynamic_rounds: number;
      pin_spill: string | null;
    }
  >(
    sql`
    UPDATE tasks SET ${leaseSet(req)}
    WHERE id IN (${sql.join(ids, sql`, `)}) AND +state = 'ready'
    ${RETURNING}`,
  );
  // RETURNING order is unspecified: grant in claim order (priority, then age).
  const rank = new Map(chosen.map((c, i) => [c.id, i]));
  claimed.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  const result: ClaimedTask[] = [];
  for (const c of claimed) {
    const task: ClaimedTask = strip(c);
    if (c.kind === "expand" && c.pin_spill !== null) task.pinnedByRun = true;
    const size = req.batchSizes?.get(`${c.family}@${c.version}`);
    if (c.kind === "run" && c.batch_key !== null && size && size > 1) {
      task.batch = (await claimSiblings(tx, req, c, size - 1)).map(strip);
    }
    if (c.kind === "run" && c.dynamic_rounds > 0) {
      task.doneDeps = (await tx.all<{ id: string }>(sql`
        SELECT e.dep_id AS id FROM edges e JOIN tasks d ON d.id = e.dep_id
        WHERE e.task_id = ${c.id} AND +d.state = 'done' LIMIT 10000`)).map((r) => r.id);
    }
    for (const t of [task, ...(task.batch ?? [])]) {
      await tx.run(sql`
        INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at)
        VALUES (${t.id}, ${t.kind}, ${t.epoch}, ${t.attempt}, ${req.workerId}, ${req.now})`);
    }
    result.push(task);
  }
  return result;
}

function leaseSet(req: ClaimRequest): SQL {
  return sql`
    state = 'leased',
    lease_owner = ${req.workerId},
    lease_epoch = lease_epoch + 1,
    lease_expires_at = ${req.now + req.ttlMs},
    attempt = attempt + (kind = 'run'),
    started_at = ${req.now},
    updated_at = ${req.now},
    status_message = NULL,
    progress = NULL`;
}

function strip(
  c: Omit<ClaimedTask, "queuedAt"> & {
    queued_at: number;
    batch_key?: string | null;
    dynamic_rounds?: number;
  },
): ClaimedTask {
  return {
    id: c.id,
    kind: c.kind,
    family: c.family,
    version: c.version,
    params: c.params,
    attempt: c.attempt,
    epoch: c.epoch,
    queuedAt: c.queued_at,
  };
}

/** Ready tasks of the same family and batch key that this worker may run. */
async function claimSiblings(
  tx: Tx,
  req: ClaimRequest,
  leader: { id: string; family: string; version: number; batch_key: string | null },
  max: number,
) {
  const pins = sql.join(req.pins.map((p) => sql`${p}`), sql`, `);
  return await tx.all<Omit<ClaimedTask, "queuedAt"> & { queued_at: number }>(sql`
    UPDATE tasks SET ${leaseSet(req)}
    WHERE id IN (
      SELECT id FROM tasks INDEXED BY tasks_batch_idx
      WHERE state = 'ready' AND batch_key IS NOT NULL AND family = ${leader.family}
        AND version = ${leader.version} AND batch_key = ${leader.batch_key} AND kind = 'run'
        AND id != ${leader.id} AND pin IN (${pins}) AND next_attempt_at <= ${req.now}
      ORDER BY priority DESC, created_at LIMIT ${max})
    ${RETURNING}`);
}

/**
 * Keeps candidates in order while the resources they hold (added to what
 * running tasks hold) stay within the limits; a resource without a limit
 * set on the hub has a limit of {@link DEFAULT_RESOURCE_LIMIT}.
 */
async function withinResourceLimits(
  tx: Tx,
  candidates: Candidate[],
  limit: number,
): Promise<Candidate[]> {
  if (candidates.every((c) => c.resources === "{}")) return candidates.slice(0, limit);
  const limits = await resourceLimits(tx);
  const used = await resourcesInUse(tx);
  const chosen: Candidate[] = [];
  for (const c of candidates) {
    if (chosen.length >= limit) break;
    const needs = c.kind === "run"
      ? Object.entries(JSON.parse(c.resources) as Record<string, number>)
      : [];
    if (
      needs.some(([name, n]) =>
        (used.get(name) ?? 0) + n > (limits.get(name) ?? DEFAULT_RESOURCE_LIMIT)
      )
    ) {
      continue;
    }
    for (const [name, n] of needs) used.set(name, (used.get(name) ?? 0) + n);
    chosen.push(c);
  }
  return chosen;
}
