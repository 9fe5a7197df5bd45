/**
 * Applies an expansion result: the dependency specs a worker found are
 * upserted (deduplicated by id), edges recorded, and each expanded task moved
 * to waiting, ready or done — all in one transaction. A parked run (dynamic
 * requirements) is applied the same way: its node lists the new requirements.
 */
import { sql } from "drizzle-orm";
import type { ExpandNode } from "../../shared/protocol.ts";
import { pinKey } from "../../shared/selector.ts";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { failParked, repin } from "./steps/expansion_refusals.ts";
import { recheckExternal } from "./steps/recheck_external.ts";
import { refreshRunStates } from "./steps/run_states.ts";
import { runPinOf, withRunPin } from "./steps/run_pin.ts";
import { reopenDoneWrappers } from "./steps/reopen_wrappers.ts";
import { type FamilyLookup, UNKNOWN_FAMILY } from "./family_defaults.ts";
import { inheritPriority } from "./steps/inherit_priority.ts";
import { insertTasks } from "./steps/insert_tasks.ts";
import { insertPublication } from "./steps/insert_publication.ts";
import { propagateDone } from "./steps/propagate_done.ts";
import { staleReason } from "./steps/stale_reason.ts";

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
  /** The family of each task this failed for good (external data missing, too many rounds). */
  failed?: string[];
}

const refused = (message: string): ExpansionResult => ({
  outcome: "stale",
  message,
  inserted: 0,
  readied: 0,
  done: 0,
});

/**
 * Checks the lease, then: inserts unknown tasks as "ready to expand"; for
 * each task this worker expanded that nobody else has (the root, and deps
 * still waiting for expansion): complete ones become done with a `found`
 * publication; external ones not there yet are checked again later (or
 * fail at their deadline); the others get edges and a count of requirements
 * not yet done, which makes them waiting, ready, or (wrappers) done. One
 * transaction: a task's pending count always matches its edges, and no
 * other completion can slip between counting and storing it.
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
      pin: string;
      pin_spill: string | null;
    }
  >(sql`SELECT state, kind, lease_epoch, dynamic_rounds, family, version, lease_owner, pin,
    pin_spill FROM tasks WHERE id = ${e.taskId}`);
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
      return { ...await failParked(tx, e, limit), failed: [lease.family] };
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

  // 1. Insert every task not yet known; those without a pin of their own
  // take the run's, if the run chose one.
  const runPin = runPinOf(lease);
  const inserted = await insertTasks(
    tx,
    [...byId.values()].filter((n) => n.id !== e.taskId).map((n) =>
      withRunPin(n, runPin, e.families)
    ),
    e.families,
    e.now,
  );

  // 2. Which expanded nodes are ours to apply: the root, tasks nobody expanded
  // yet, and done wrappers met again (re-expanded, as a wrapper is complete
  // only while what it requires now is).
  const ours: ExpandNode[] = [root];
  const candidates = [...byId.values()].filter((n) => n.expanded && n.id !== e.taskId);
  if (mode === "expand") {
    await reopenDoneWrappers(tx, candidates.filter((n) => !n.complete).map((n) => n.id), e.now);
  }
  for (const part of chunks(candidates, 400)) {
    const list = sql.join(part.map((n) => sql`${n.id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      SELECT id FROM tasks WHERE id IN (${list}) AND state = 'ready' AND kind = 'expand'`);
    for (const r of rows) ours.push(byId.get(r.id)!);
  }

  // 3. Edges first, so that propagation below sees them. An expansion states
  // what a task requires now: edges from an earlier expansion of it go.
  if (mode === "expand") {
    for (const part of chunks(ours, 400)) {
      const list = sql.join(part.map((n) => sql`${n.id}`), sql`, `);
      await tx.run(sql`DELETE FROM edges WHERE task_id IN (${list})`);
    }
  }
  const edges = ours.filter((n) => !n.complete).flatMap((n) =>
    [...new Set(n.deps)].map((d) => sql`(${n.id}, ${d})`)
  );
  for (const part of chunks(edges, 400)) {
    await tx.run(sql`INSERT INTO edges (task_id, dep_id) VALUES ${sql.join(part, sql`, `)}
      ON CONFLICT DO NOTHING`);
  }
  await refreshRunsJoiningFailures(tx, ours, e.now);

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
  const failed: string[] = [];
  for (const n of ours.filter((x) => x.external && !x.complete)) {
    const family = e.families(n.family, n.version) ?? UNKNOWN_FAMILY;
    if (await recheckExternal(tx, n.id, family, e.now)) failed.push(n.family);
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
    ...(failed.length > 0 ? { failed } : {}),
  };
}

/**
 * A task that now requires one already failed or cancelled (or blocked by
 * such a one) brings that failure into every run above it.
 */
async function refreshRunsJoiningFailures(
  tx: Tx,
  nodes: readonly ExpandNode[],
  now: number,
): Promise<void> {
  const open = nodes.filter((n) => !n.complete && n.deps.length > 0);
  const joining: string[] = [];
  for (const part of chunks(open, 400)) {
    const list = sql.join(part.map((n) => sql`${n.id}`), sql`, `);
    const rows = await tx.all<{ task_id: string }>(sql`
      SELECT DISTINCT e.task_id FROM edges e JOIN tasks d ON d.id = e.dep_id
      WHERE e.task_id IN (${list}) AND d.state IN ('failed', 'cancelled', 'blocked')`);
    joining.push(...rows.map((r) => r.task_id));
  }
  await refreshRunStates(tx, joining, now);
}
