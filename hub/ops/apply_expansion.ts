/**
 * Applies an expansion result: the dependency specs a worker found are
 * upserted (deduplicated by id), edges recorded, and each expanded task moved
 * to waiting, ready or done — all in one transaction. A parked run (dynamic
 * requirements) is applied the same way: its node lists the new requirements.
 */
import { sql } from "drizzle-orm";
import type { ExpandNode } from "../../shared/protocol.ts";
import { pinKey, type Selector } from "../../shared/selector.ts";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { blockDependents } from "./steps/block_dependents.ts";
import { type FamilyLookup, UNKNOWN_FAMILY } from "./family_defaults.ts";
import { inheritPriority } from "./steps/inherit_priority.ts";
import { insertTasks } from "./steps/insert_tasks.ts";
import { insertPublication, propagateDone } from "./steps/propagate_done.ts";
import { staleReason } from "./renew_leases.ts";

/** An expansion (or a park) as a worker sends it. */
export interface Expansion {
  taskId: string;
  epoch: number;
  workerId: string;
  nodes: readonly ExpandNode[];
  now: number;
  families: FamilyLookup;
  /** `park`: a running task asks for dynamic requirements (the lease is a run lease). */
  mode?: "expand" | "park";
}

/** What the hub did with it. */
export interface ExpansionResult {
  outcome: "accepted" | "stale";
  message: string;
  /** Tasks new to the database. */
  inserted: number;
  /** Tasks that became ready to run. */
  readied: number;
  /** Tasks found complete, or wrappers whose requirements are all done. */
  done: number;
  /** Set when the root was handed back with its own pin. */
  pin?: string;
}

const refused = (message: string): ExpansionResult => ({
  outcome: "stale",
  message,
  inserted: 0,
  readied: 0,
  done: 0,
});

/** Longest wait between two checks of external data. */
const EXTERNAL_CHECK_MAX_MS = 60_000;

/**
 * Checks the lease, then: inserts unknown tasks as "ready to expand"; for
 * each task this worker expanded that nobody else has (the root, and deps
 * still waiting for expansion): complete ones become done with a `found`
 * publication; external ones not there yet are checked again later (or
 * fail at their deadline); the others get edges and a count of requirements
 * not yet done, which makes them waiting, ready, or (wrappers) done.
 */
export async function applyExpansion(tx: Tx, e: Expansion): Promise<ExpansionResult> {
  const mode = e.mode ?? "expand";
  const [lease] = await tx.all<
    {
      state: string;
      kind: string;
      lease_epoch: number;
      dynamic_rounds: number;
      family: string;
      version: number;
      lease_owner: string | null;
    }
  >(sql`SELECT state, kind, lease_epoch, dynamic_rounds, family, version, lease_owner FROM tasks WHERE id = ${e.taskId}`);
  const kind = mode === "park" ? "run" : "expand";
  if (
    !lease || lease.state !== "leased" || lease.kind !== kind || lease.lease_epoch !== e.epoch ||
    lease.lease_owner !== e.workerId
  ) {
    const reason = await staleReason(tx, e.taskId, e.epoch, e.now, e.workerId);
    return refused(`Ignored ${mode === "park" ? "park" : "expansion"} of "${e.taskId}": ${reason}`);
  }
  const byId = new Map<string, ExpandNode>();
  for (const node of e.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  const root = byId.get(e.taskId);
  if (root && !root.expanded && mode === "expand" && root.pin) {
    return await repin(tx, e, root.pin);
  }
  if (!root || !root.expanded) {
    return refused(`Expansion of "${e.taskId}" does not include the task itself`);
  }
  for (const node of byId.values()) {
    for (const dep of node.deps) {
      if (!byId.has(dep)) {
        return refused(
          `Expansion of "${e.taskId}" names requirement "${dep}" of "${node.id}" without a node for it`,
        );
      }
    }
  }
  if (mode === "park") {
    const limit =
      (e.families(lease.family, lease.version) ?? UNKNOWN_FAMILY).options.maxDynamicRounds;
    if (lease.dynamic_rounds >= limit) {
      return await failParked(tx, e, limit);
    }
    // Parking is not a failure: it must not eat the retry budget.
    await tx.run(sql`
      UPDATE tasks SET dynamic_rounds = dynamic_rounds + 1, max_attempts = max_attempts + 1
      WHERE id = ${e.taskId}`);
  }

  // The root's own pin, computed by the worker, replaces the family default
  // (unless the run chose the pin).
  if (root.pin && mode === "expand") {
    await tx.run(
      sql`UPDATE tasks SET pin = ${pinKey(root.pin)} WHERE id = ${e.taskId} AND pin_spill IS NULL`,
    );
  }

  // 1. Insert every task not yet known.
  const inserted = await insertTasks(
    tx,
    [...byId.values()].filter((n) => n.id !== e.taskId),
    e.families,
    e.now,
  );

  // 2. Which expanded nodes are ours to apply: the root, and tasks nobody expanded yet.
  const ours: ExpandNode[] = [root];
  const candidates = [...byId.values()].filter((n) => n.expanded && n.id !== e.taskId);
  for (const part of chunks(candidates, 400)) {
    const list = sql.join(part.map((n) => sql`${n.id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      SELECT id FROM tasks WHERE id IN (${list}) AND state = 'ready' AND kind = 'expand'`);
    for (const r of rows) ours.push(byId.get(r.id)!);
  }

  // 3. Edges first, so that propagation below sees them.
  const edges = ours.filter((n) => !n.complete).flatMap((n) =>
    [...new Set(n.deps)].map((d) => sql`(${n.id}, ${d})`)
  );
  for (const part of chunks(edges, 400)) {
    await tx.run(sql`INSERT INTO edges (task_id, dep_id) VALUES ${sql.join(part, sql`, `)}
      ON CONFLICT DO NOTHING`);
  }

  // 4. Tasks whose outputs already exist are done, published as `found`.
  const found = ours.filter((n) => n.complete).map((n) => n.id);
  for (const part of chunks(found, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string; lease_epoch: number }>(sql`
      UPDATE tasks SET state = 'done', kind = 'run', lease_owner = NULL, lease_expires_at = NULL,
        finished_at = ${e.now}, updated_at = ${e.now}
      WHERE id IN (${list}) RETURNING id, lease_epoch`);
    for (const r of rows) {
      await insertPublication(tx, `found:${r.id}`, r.id, r.lease_epoch, e.workerId, "found", e.now);
    }
  }
  let readied = 0;
  let done = found.length;
  readied += (await propagateDone(tx, found, e.now)).readied;

  // 5. External data not there yet: check again later, with growing waits, until the deadline.
  for (const n of ours.filter((x) => x.external && !x.complete)) {
    await recheckExternal(tx, n.id, e.families(n.family, n.version) ?? UNKNOWN_FAMILY, e.now);
  }

  // 6. The rest wait for their requirements, or are ready (wrappers: done) when none is pending.
  const open = ours.filter((n) => !n.complete && !n.external);
  const pending = new Map<string, number>();
  for (const part of chunks(open.filter((n) => n.deps.length > 0 || n.id === e.taskId), 400)) {
    const list = sql.join(part.map((n) => sql`${n.id}`), sql`, `);
    const rows = await tx.all<{ task_id: string; n: number }>(sql`
      SELECT e.task_id, count(*) AS n FROM edges e LEFT JOIN tasks d ON d.id = e.dep_id
      WHERE e.task_id IN (${list}) AND (d.state IS NULL OR d.state != 'done')
      GROUP BY e.task_id`);
    for (const r of rows) pending.set(r.task_id, r.n);
  }
  const wrappersDone: string[] = [];
  const groups = new Map<string, string[]>();
  for (const n of open) {
    const hasRun = (e.families(n.family, n.version) ?? UNKNOWN_FAMILY).hasRun ?? true;
    const count = pending.get(n.id) ?? 0;
    const state = count > 0 ? "waiting" : hasRun ? "ready" : "done";
    const key = `${state}|${count}|${hasRun ? 1 : 0}`;
    groups.set(key, [...(groups.get(key) ?? []), n.id]);
  }
  for (const [key, ids] of groups) {
    const [state, count, hasRun] = key.split("|") as [string, string, string];
    for (const part of chunks(ids, 400)) {
      const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
      const rows = await tx.all<{ id: string; lease_epoch: number }>(sql`
        UPDATE tasks SET state = ${state}, kind = 'run', has_run = ${Number(hasRun)},
          pending_deps = ${Number(count)}, lease_owner = NULL, lease_expires_at = NULL,
          ready_at = ${state === "ready" ? e.now : null}, next_attempt_at = ${e.now},
          finished_at = ${state === "done" ? e.now : null}, updated_at = ${e.now}
        WHERE id IN (${list}) RETURNING id, lease_epoch`);
      if (state === "ready") readied += rows.length;
      if (state === "done") {
        for (const r of rows) {
          await insertPublication(
            tx,
            `wrapper:${r.id}`,
            r.id,
            r.lease_epoch,
            e.workerId,
            "wrapper",
            e.now,
          );
          wrappersDone.push(r.id);
        }
      }
    }
  }
  done += wrappersDone.length;
  const more = await propagateDone(tx, wrappersDone, e.now);
  readied += more.readied;
  done += more.wrappersDone.length;

  // 7. What the root needs runs at least as urgently as the root.
  await inheritPriority(tx, e.taskId);

  await tx.run(sql`
    UPDATE attempts SET ended_at = ${e.now}, outcome = ${mode === "park" ? "parked" : "done"}
    WHERE task_id = ${e.taskId} AND epoch = ${e.epoch}`);
  return {
    outcome: "accepted",
    message: mode === "park" ? "parked" : "expanded",
    inserted: inserted.length,
    readied,
    done,
  };
}

async function recheckExternal(
  tx: Tx,
  taskId: string,
  family: { options: { external?: { checkEveryMs: number; deadlineMs: number } } },
  now: number,
): Promise<void> {
  const every = family.options.external?.checkEveryMs ?? 10_000;
  const [row] = await tx.all<{ external_checks: number; external_deadline_at: number | null }>(
    sql`SELECT external_checks, external_deadline_at FROM tasks WHERE id = ${taskId}`,
  );
  const checks = (row?.external_checks ?? 0) + 1;
  const deadline = row?.external_deadline_at ??
    now + (family.options.external?.deadlineMs ?? 86_400_000);
  if (now >= deadline) {
    const error = JSON.stringify({
      name: "ExternalDataMissingError",
      message:
        `External data for "${taskId}" did not appear by ${new Date(deadline).toISOString()} ` +
        `(checked ${checks} times)`,
      retryable: false,
    });
    await tx.run(sql`
      UPDATE tasks SET state = 'failed', kind = 'expand', external_checks = ${checks},
        lease_owner = NULL, lease_expires_at = NULL, last_error = ${error},
        finished_at = ${now}, updated_at = ${now}
      WHERE id = ${taskId}`);
    await blockDependents(tx, taskId, now);
    return;
  }
  const wait = Math.min(
    EXTERNAL_CHECK_MAX_MS,
    every * 2 ** Math.min(checks - 1, 20),
    deadline - now,
  );
  await tx.run(sql`
    UPDATE tasks SET state = 'ready', kind = 'expand', external_checks = ${checks},
      external_deadline_at = ${deadline}, has_run = 0,
      lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = ${now + wait},
      status_message = ${`waiting for external data (check ${checks})`}, updated_at = ${now}
    WHERE id = ${taskId}`);
}

async function failParked(tx: Tx, e: Expansion, limit: number): Promise<ExpansionResult> {
  const error = JSON.stringify({
    name: "PermanentError",
    message: `"${e.taskId}" kept asking for new dynamic requirements: ${limit} rounds allowed`,
    retryable: false,
  });
  await tx.run(sql`
    UPDATE tasks SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL,
      last_error = ${error}, finished_at = ${e.now}, updated_at = ${e.now}
    WHERE id = ${e.taskId}`);
  await tx.run(sql`
    UPDATE attempts SET ended_at = ${e.now}, outcome = 'failed', error = ${error}
    WHERE task_id = ${e.taskId} AND epoch = ${e.epoch}`);
  await blockDependents(tx, e.taskId, e.now);
  return {
    outcome: "accepted",
    message: `failed: more than ${limit} dynamic rounds`,
    inserted: 0,
    readied: 0,
    done: 0,
  };
}

/**
 * The worker could not expand the task: its own pin (computed from its
 * params) excludes that worker. The task takes that pin and goes back to
 * ready at once, for a worker where it belongs.
 */
async function repin(tx: Tx, e: Expansion, pin: Selector): Promise<ExpansionResult> {
  const key = pinKey(pin);
  await tx.run(sql`
    UPDATE tasks SET pin = ${key}, state = 'ready', lease_owner = NULL, lease_expires_at = NULL,
      next_attempt_at = ${e.now}, ready_at = ${e.now}, updated_at = ${e.now}
    WHERE id = ${e.taskId}`);
  await tx.run(sql`
    UPDATE attempts SET ended_at = ${e.now}, outcome = 'released', error = ${`re-pinned to ${key}`}
    WHERE task_id = ${e.taskId} AND epoch = ${e.epoch}`);
  return {
    outcome: "accepted",
    message: `re-pinned to ${key}`,
    inserted: 0,
    readied: 1,
    done: 0,
    pin: key,
  };
}
