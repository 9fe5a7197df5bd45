/**
 * Applies an expansion result: the dependency specs a worker found are
 * upserted (deduplicated by id), edges recorded, and each expanded task moved
 * to waiting, ready or done — all in one transaction.
 */
import { sql } from "drizzle-orm";
import type { ExpandNode } from "../../shared/protocol.ts";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { type FamilyLookup, UNKNOWN_FAMILY } from "./family_defaults.ts";
import { insertPublication, propagateDone } from "./propagate_done.ts";
import { staleReason } from "./renew_leases.ts";

/** An expansion as a worker sends it. */
export interface Expansion {
  taskId: string;
  epoch: number;
  workerId: string;
  nodes: readonly ExpandNode[];
  now: number;
  families: FamilyLookup;
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
}

/**
 * Checks the lease, then: inserts unknown tasks as "ready to expand"; for
 * each task this worker expanded that nobody else has (the root, and deps
 * still waiting for expansion): complete ones become done with a `found`
 * publication; the others get edges and a count of requirements not yet
 * done, which makes them waiting, ready, or (wrappers) done.
 */
export async function applyExpansion(tx: Tx, e: Expansion): Promise<ExpansionResult> {
  const [lease] = await tx.all<{ state: string; kind: string; lease_epoch: number }>(
    sql`SELECT state, kind, lease_epoch FROM tasks WHERE id = ${e.taskId}`,
  );
  if (
    !lease || lease.state !== "leased" || lease.kind !== "expand" || lease.lease_epoch !== e.epoch
  ) {
    const reason = await staleReason(tx, e.taskId, e.epoch, e.now);
    return {
      outcome: "stale",
      message: `Ignored expansion of "${e.taskId}": ${reason}`,
      inserted: 0,
      readied: 0,
      done: 0,
    };
  }
  const byId = new Map<string, ExpandNode>();
  for (const node of e.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  const root = byId.get(e.taskId);
  if (!root || !root.expanded) {
    return {
      outcome: "stale",
      message: `Expansion of "${e.taskId}" does not include the task itself`,
      inserted: 0,
      readied: 0,
      done: 0,
    };
  }

  for (const node of byId.values()) {
    for (const dep of node.deps) {
      if (!byId.has(dep)) {
        return {
          outcome: "stale",
          message:
            `Expansion of "${e.taskId}" names requirement "${dep}" of "${node.id}" without a node for it`,
          inserted: 0,
          readied: 0,
          done: 0,
        };
      }
    }
  }

  // 1. Insert every task not yet known.
  let inserted = 0;
  for (const part of chunks([...byId.values()].filter((n) => n.id !== e.taskId), 200)) {
    const values = part.map((n) => {
      const f = e.families(n.family, n.version) ?? UNKNOWN_FAMILY;
      return sql`(${n.id}, ${n.family}, ${n.version}, ${canonicalJson(n.params ?? {})}, 'ready',
        'expand', ${f.pin}, ${f.priority}, ${f.maxAttempts}, ${f.retryBaseMs}, ${f.retryMaxMs},
        ${e.now}, ${e.now}, ${e.now})`;
    });
    const rows = await tx.all<{ id: string }>(sql`
      INSERT INTO tasks (id, family, version, params, state, kind, pin, priority, max_attempts,
        retry_base_ms, retry_max_ms, created_at, updated_at, ready_at)
      VALUES ${sql.join(values, sql`, `)}
      ON CONFLICT (id) DO NOTHING
      RETURNING id`);
    inserted += rows.length;
  }

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

  // 5. The rest wait for their requirements, or are ready (wrappers: done) when none is pending.
  const open = ours.filter((n) => !n.complete);
  const pending = new Map<string, number>();
  for (const part of chunks(open.filter((n) => n.deps.length > 0), 400)) {
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
          ready_at = ${state === "ready" ? e.now : null},
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

  await tx.run(sql`
    UPDATE attempts SET ended_at = ${e.now}, outcome = 'done'
    WHERE task_id = ${e.taskId} AND epoch = ${e.epoch}`);
  return { outcome: "accepted", message: "expanded", inserted, readied, done };
}
