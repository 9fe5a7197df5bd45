/**
 * Leases ready tasks to a worker with conditional `update … returning`
 * statements: never a task twice, never past a resource limit, never a task
 * of a disabled or paused family, nothing for a worker in a paused region;
 * a batchable task takes its ready siblings along.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { marks, placeholders, rawAll, rawRun } from "../db/raw_sql.ts";
import type { LeaseKind } from "../db/schema.ts";
import { type Candidate, ResourceBudget } from "./steps/resource_budget.ts";

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

/** What a lease sets, the owner being `owner` (an SQL expression); then its TTL end and `now` twice. */
const leaseSet = (owner: string) =>
  `state = 'leased', lease_owner = ${owner}, lease_epoch = lease_epoch + 1,
  lease_expires_at = ?, attempt = attempt + CASE WHEN kind = 'run' THEN 1 ELSE 0 END, started_at = ?, updated_at = ?,
  status_message = NULL, progress = NULL`;
const leaseArgs = ({ now, ttlMs }: { now: number; ttlMs: number }) => [now + ttlMs, now, now];

/** What a claim's update returns (qualified: the round's update joins its VALUES list). */
const RETURNING = `RETURNING tasks.id AS id, kind, family, version, params, attempt,
  lease_epoch AS epoch, max(coalesce(ready_at, created_at), next_attempt_at) AS queued_at,
  batch_key, dynamic_rounds, pin_spill`;

/**
 * Claims up to `limit` ready tasks for a worker, highest priority first, then
 * oldest: {@link claimTasksForMany} with one request.
 */
export async function claimTasks(tx: Tx, req: ClaimRequest): Promise<ClaimedTask[]> {
  return (await claimTasksForMany(tx, { now: req.now, ttlMs: req.ttlMs, takers: [req] }))[0]!;
}

/** What a worker asks for in a dispatch round. */
export type ClaimTaker = Omit<ClaimRequest, "now" | "ttlMs">;

/** Claims for several workers, at one time and for one lease TTL. */
export interface ClaimRound {
  now: number;
  ttlMs: number;
  takers: readonly ClaimTaker[];
}

/**
 * Claims for several workers at once (one dispatch round), in a few
 * statements for them all: one read of what holds claims back, one
 * candidate read per (pin, family, version) that a group of workers asking
 * the same can take, one update, one insert of attempts. Candidates are read
 * through the partial claim index (so the order comes from the index, not a
 * sort, and a queue of other families' work costs nothing), and the update
 * re-checks `state = 'ready'`, so a task is never leased twice even with
 * several hubs. Every grant bumps the task's fencing epoch; run grants count
 * an attempt. Reads and updates share the write transaction, so the resource
 * limits read are the ones in force when the leases are granted, and every
 * grant has its attempt row. The answer holds each request's leases, in
 * claim order.
 */
export async function claimTasksForMany(tx: Tx, round: ClaimRound): Promise<ClaimedTask[][]> {
  const { now, takers: reqs } = round;
  const out: ClaimedTask[][] = reqs.map(() => []);
  const asks = (r: ClaimTaker) => r.limit > 0 && r.pins.length > 0 && r.families.length > 0;
  if (!reqs.some(asks)) return out;
  // One read for what holds claims back: disabled families (`name@version`),
  // paused families (every version) and paused regions.
  const held = await rawAll<{ kind: string; value: string }>(tx, {
    text: `SELECT 'disabled' AS kind, name || '@' || version AS value FROM families
      WHERE disabled_until > ?
      UNION ALL
      SELECT kind, value FROM pauses WHERE kind = 'family' OR kind = 'region'`,
    args: [now],
  });
  const disabled = new Set(held.filter((h) => h.kind === "disabled").map((h) => h.value));
  const paused = new Set(held.filter((h) => h.kind === "family").map((h) => h.value));
  const pausedRegions = new Set(held.filter((h) => h.kind === "region").map((h) => h.value));
  // Workers asking for the same pins and families share their candidates.
  const groups = new Map<string, { pins: readonly string[]; families: Family[]; reqs: number[] }>();
  reqs.forEach((req, i) => {
    if (!asks(req) || (req.region !== undefined && pausedRegions.has(req.region))) {
      return;
    }
    const families = req.families.filter((f) =>
      !disabled.has(`${f.name}@${f.version}`) && !paused.has(f.name)
    );
    if (families.length === 0) return;
    const key = JSON.stringify([req.pins, families]);
    const group = groups.get(key) ?? { pins: req.pins, families, reqs: [] };
    group.reqs.push(i);
    groups.set(key, group);
  });
  const budget = new ResourceBudget(tx);
  const taken = new Set<string>();
  const grants: { id: string; req: number }[] = [];
  for (const group of groups.values()) {
    const total = group.reqs.reduce((n, i) => n + reqs[i]!.limit, 0);
    const read = async (window: number) => {
      const candidates: Candidate[] = [];
      for (const pin of group.pins) {
        for (const f of group.families) {
          const rows = await rawAll<Candidate>(tx, {
            text: CANDIDATES,
            args: [pin, f.name, f.version, now, window],
          });
          candidates.push(...rows.filter((r) => !taken.has(r.id)));
        }
      }
      return candidates.sort((a, b) => b.priority - a.priority || a.created_at - b.created_at);
    };
    // Enough for the group (earlier groups may have taken some of these);
    // when a candidate needs a resource, read further, so that tasks
    // waiting for one do not hide the rest.
    let candidates = await read(total + taken.size);
    if (candidates.some((c) => c.resources !== "{}")) {
      candidates = await read(Math.max(total + taken.size, Math.min(256, total * 4)));
    }
    const chosen = await budget.choose(candidates, total);
    // Each worker of the group takes its share, in claim order.
    let next = 0;
    for (const i of group.reqs) {
      for (let k = 0; k < reqs[i]!.limit && next < chosen.length; k++) {
        taken.add(chosen[next]!.id);
        grants.push({ id: chosen[next++]!.id, req: i });
      }
    }
  }
  if (grants.length === 0) return out;
  const ownerOf = new Map(grants.map((g) => [g.id, g.req]));
  const claimed: ClaimedRow[] = [];
  for (const part of chunks(grants, 400)) {
    claimed.push(
      ...await rawAll<ClaimedRow>(tx, {
        text: `WITH c(id, owner) AS (VALUES ${placeholders(part.length, 2)})
          UPDATE tasks SET ${leaseSet("c.owner")}
          FROM c WHERE tasks.id = c.id AND +tasks.state = 'ready'
          ${RETURNING}`,
        args: [...part.flatMap((g) => [g.id, reqs[g.req]!.workerId]), ...leaseArgs(round)],
      }),
    );
  }
  // RETURNING order is unspecified: grant in claim order (priority, then age).
  const rank = new Map(grants.map((g, i) => [g.id, i]));
  claimed.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  const attempts: { t: ClaimedTask; workerId: string }[] = [];
  for (const c of claimed) {
    const req = reqs[ownerOf.get(c.id)!]!;
    const task: ClaimedTask = strip(c);
    if (c.kind === "expand" && c.pin_spill !== null) task.pinnedByRun = true;
    const size = req.batchSizes?.get(`${c.family}@${c.version}`);
    if (c.kind === "run" && c.batch_key !== null && size && size > 1) {
      task.batch = (await claimSiblings(tx, round, req, c, size - 1)).map(strip);
    }
    if (c.kind === "run" && c.dynamic_rounds > 0) {
      task.doneDeps = (await tx.all<{ id: string }>(sql`
        SELECT e.dep_id AS id FROM edges e JOIN tasks d ON d.id = e.dep_id
        WHERE e.task_id = ${c.id} AND +d.state = 'done' LIMIT 10000`)).map((r) => r.id);
    }
    for (const t of [task, ...(task.batch ?? [])]) attempts.push({ t, workerId: req.workerId });
    out[ownerOf.get(c.id)!]!.push(task);
  }
  for (const part of chunks(attempts, 500)) {
    await rawRun(tx, {
      text: `INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at)
        VALUES ${placeholders(part.length, 6)}`,
      args: part.flatMap(({ t, workerId }) => [t.id, t.kind, t.epoch, t.attempt, workerId, now]),
    });
  }
  return out;
}

type Family = { name: string; version: number };

/**
 * Ready candidates of one pin and family version, in claim order, through the
 * claim index. On PostgreSQL, claims of several hubs run at once (they take
 * the write lock shared, see `pg/libsql_client.ts`): each locks the
 * candidates it reads and passes over those another claim holds, so two
 * hubs never wait for each other here, nor lease a task twice.
 */
const CANDIDATES = `SELECT id, priority, created_at, resources, kind
  FROM tasks INDEXED BY tasks_claim_idx
  WHERE state = 'ready' AND pin = ? AND family = ? AND version = ? AND next_attempt_at <= ?
  ORDER BY priority DESC, created_at LIMIT ? /*+ postgres: FOR UPDATE SKIP LOCKED */`;

type ClaimedRow = Omit<ClaimedTask, "queuedAt"> & {
  queued_at: number;
  batch_key: string | null;
  dynamic_rounds: number;
  pin_spill: string | null;
};

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
  round: ClaimRound,
  req: ClaimTaker,
  leader: { id: string; family: string; version: number; batch_key: string | null },
  max: number,
) {
  return await rawAll<ClaimedRow>(tx, {
    text: `UPDATE tasks SET ${leaseSet("?")}
      WHERE id IN (
        SELECT id FROM tasks INDEXED BY tasks_batch_idx
        WHERE state = 'ready' AND batch_key IS NOT NULL AND family = ? AND version = ?
          AND batch_key = ? AND kind = 'run' AND id != ? AND pin IN (${marks(req.pins.length)})
          AND next_attempt_at <= ?
        ORDER BY priority DESC, created_at LIMIT ? /*+ postgres: FOR UPDATE SKIP LOCKED */)
      ${RETURNING}`,
    args: [
      req.workerId,
      ...leaseArgs(round),
      leader.family,
      leader.version,
      leader.batch_key,
      leader.id,
      ...req.pins,
      round.now,
      max,
    ],
  });
}
