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
import { type FamilyLookup, UNKNOWN_FAMILY } from "./family_defaults.ts";
import { applyNodes, type NodesToApply } from "./steps/apply_nodes.ts";
import { failParked, repin } from "./steps/expansion_refusals.ts";
import { yieldAfterFirst, yieldNow } from "../db/yield_now.ts";
import { inheritPriority } from "./steps/inherit_priority.ts";
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
  /**
   * An earlier part of a big expansion: its nodes are applied, the root
   * stays leased until the last part (which holds the root's own node).
   */
  more?: boolean;
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
 *
 * A big expansion comes in parts (`more` on all but the last), each applied
 * in its own transaction: a node's requirements are in its part or known
 * already (the worker sends requirements first), so every part leaves the
 * graph whole. The lease is checked for each part; the root is applied, and
 * the attempt ended, with the last.
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
  const missing = await unknownRequirements(tx, byId);
  if (missing) {
    return refused(
      `Expansion of "${e.taskId}" names requirement "${missing.dep}" of "${missing.of}" ` +
        "without a node for it",
    );
  }
  if (e.more && mode === "expand") {
    byId.delete(e.taskId);
    const applied = await applyNodes(tx, { ...nodesOf(e, mode, byId, lease), root: null });
    return {
      outcome: "accepted",
      message: `part of the expansion applied (${byId.size} nodes)`,
      inserted: applied.inserted,
      readied: applied.readied,
      done: applied.done,
      ...(applied.failed.length > 0 ? { failed: applied.failed } : {}),
    };
  }
  const root = byId.get(e.taskId);
  if (root && !root.expanded && mode === "expand" && root.pin) {
    return await repin(tx, e, root.pin);
  }
  if (!root || !root.expanded) {
    return refused(`Expansion of "${e.taskId}" does not include the task itself`);
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

  const applied = await applyNodes(tx, { ...nodesOf(e, mode, byId, lease), root });

  // 7. What the root needs runs at least as urgently as the root: a walk of
  // its whole subgraph, so after a big part the event loop goes before and after.
  const big = byId.size + root.deps.length > 400;
  if (big) await yieldNow();
  await inheritPriority(tx, e.taskId);
  if (big) await yieldNow();

  await tx.run(sql`
    UPDATE attempts SET ended_at = ${e.now}, outcome = ${mode === "park" ? "parked" : "done"}
    WHERE task_id = ${e.taskId} AND epoch = ${e.epoch}`);
  return {
    outcome: "accepted",
    message: mode === "park" ? "parked" : "expanded",
    inserted: applied.inserted,
    readied: applied.readied,
    done: applied.done,
    ...(applied.failed.length > 0 ? { failed: applied.failed } : {}),
  };
}

function nodesOf(
  e: Expansion,
  mode: "expand" | "park",
  byId: ReadonlyMap<string, ExpandNode>,
  lease: { pin: string; pin_spill: string | null },
): Omit<NodesToApply, "root"> {
  return {
    taskId: e.taskId,
    workerId: e.workerId,
    now: e.now,
    families: e.families,
    mode,
    byId,
    lease,
  };
}

/**
 * The first requirement that has neither a node here nor a task in the
 * database (an earlier part of the same expansion put its task there).
 */
async function unknownRequirements(
  tx: Tx,
  byId: ReadonlyMap<string, ExpandNode>,
): Promise<{ dep: string; of: string } | null> {
  const outside = new Map<string, string>();
  for (const node of byId.values()) {
    for (const dep of node.deps) if (!byId.has(dep) && !outside.has(dep)) outside.set(dep, node.id);
  }
  if (outside.size === 0) return null;
  const known = new Set<string>();
  for (const [i, part] of chunks([...outside.keys()], 400).entries()) {
    await yieldAfterFirst(i);
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`SELECT id FROM tasks WHERE id IN (${list})`);
    for (const r of rows) known.add(r.id);
  }
  for (const [dep, of] of outside) if (!known.has(dep)) return { dep, of };
  return null;
}
