/**
 * The heart of an expansion, for a whole one or one part of a big one: the
 * nodes' tasks are inserted if new; of the expanded nodes, those this
 * expansion may apply (the root, and tasks still waiting to be expanded)
 * get their edges, and become done (outputs found), rechecked later
 * (external data not there yet), waiting, ready, or done (wrappers).
 */
import { sql } from "drizzle-orm";
import type { ExpandNode } from "../../../shared/protocol.ts";
import type { Tx } from "../../db/client.ts";
import { yieldAfterFirst } from "../../db/yield_now.ts";
import { chunks } from "../../db/chunks.ts";
import { marks, placeholders, rawAll, rawRun } from "../../db/raw_sql.ts";
import { type FamilyLookup, UNKNOWN_FAMILY } from "../family_defaults.ts";
import { insertPublication } from "./insert_publication.ts";
import { insertTasks } from "./insert_tasks.ts";
import { propagateDone } from "./propagate_done.ts";
import { recheckExternal } from "./recheck_external.ts";
import { reopenDoneWrappers } from "./reopen_wrappers.ts";
import { runPinOf, withRunPin } from "./run_pin.ts";
import { markFoundMembers, spreadRunMembers, trimRunMembers } from "./run_members.ts";
import { refreshRunStates } from "./run_states.ts";

/** What {@link applyNodes} works on. */
export interface NodesToApply {
  /** The task being expanded (or parked). */
  taskId: string;
  workerId: string;
  now: number;
  families: FamilyLookup;
  mode: "expand" | "park";
  /** The nodes, deduplicated by id. */
  byId: ReadonlyMap<string, ExpandNode>;
  /** The root's node when it is applied now (the last or only part); null for an earlier part. */
  root: ExpandNode | null;
  /** The expanded task's row: its pin and whether the run chose it. */
  lease: { pin: string; pin_spill: string | null };
}

/** What applying the nodes did. */
export interface NodesApplied {
  inserted: number;
  readied: number;
  done: number;
  failed: string[];
}

/** Applies the nodes (steps 1–6 of an expansion) inside the caller's transaction. */
export async function applyNodes(tx: Tx, e: NodesToApply): Promise<NodesApplied> {
  const { byId, root } = e;
  // 1. Insert every task not yet known; those without a pin of their own
  // take the run's, if the run chose one.
  // A node expanded here with nothing to require and no outputs yet goes
  // in ready to run: what steps 2–6 would make of it.
  const runPin = runPinOf(e.lease);
  const runnable = new Set(
    [...byId.values()].filter((n) =>
      e.mode === "expand" && n.expanded && !n.complete && !n.external && n.deps.length === 0 &&
      ((e.families(n.family, n.version) ?? UNKNOWN_FAMILY).hasRun ?? true)
    ).map((n) => n.id),
  );
  const inserted = await insertTasks(
    tx,
    [...byId.values()].filter((n) => n.id !== e.taskId).map((n) => ({
      ...withRunPin(n, runPin, e.families),
      runnable: runnable.has(n.id),
    })),
    e.families,
    e.now,
  );
  const insertedRunnable = inserted.filter((id) => runnable.has(id)).length;

  // 2. Which expanded nodes are ours to apply: the root, tasks nobody expanded
  // yet, and done wrappers met again (re-expanded, as a wrapper is complete
  // only while what it requires now is).
  const ours: ExpandNode[] = root ? [root] : [];
  const candidates = [...byId.values()].filter((n) => n.expanded && n.id !== e.taskId);
  if (e.mode === "expand") {
    await reopenDoneWrappers(tx, candidates.filter((n) => !n.complete).map((n) => n.id), e.now);
  }
  for (const [i, part] of chunks(candidates, 400).entries()) {
    await yieldAfterFirst(i);
    const rows = await rawAll<{ id: string }>(tx, {
      text: `SELECT id FROM tasks WHERE id IN (${marks(part.length)}) AND +state = 'ready'
        AND kind = 'expand'`,
      args: part.map((n) => n.id),
    });
    for (const r of rows) ours.push(byId.get(r.id)!);
  }

  // 3. Edges first, so that propagation below sees them. An expansion states
  // what a task requires now: edges from an earlier expansion of it go.
  const replaced = new Set<string>();
  if (e.mode === "expand") {
    for (const part of chunks(ours, 400)) {
      const ids = part.map((n) => n.id);
      const rows = await rawAll<{ task_id: string }>(tx, {
        text: `SELECT DISTINCT task_id FROM edges WHERE task_id IN (${marks(ids.length)})`,
        args: ids,
      });
      for (const r of rows) replaced.add(r.task_id);
      if (rows.length > 0) {
        await rawRun(tx, {
          text: `DELETE FROM edges WHERE task_id IN (${marks(ids.length)})`,
          args: ids,
        });
      }
    }
  }
  const pairs = ours.filter((n) => !n.complete).flatMap((n) =>
    [...new Set(n.deps)].map((d) => [n.id, d] as const)
  );
  for (const [i, part] of chunks(pairs, 400).entries()) {
    await yieldAfterFirst(i);
    await rawRun(tx, {
      text: `INSERT INTO edges (task_id, dep_id) VALUES ${placeholders(part.length, 2)}
        ON CONFLICT DO NOTHING`,
      args: part.flat(),
    });
  }
  // The runs above these tasks gain what they now require, and lose what
  // a replaced expansion no longer reaches.
  await spreadRunMembers(tx, pairs);
  if (replaced.size > 0) await trimRunMembers(tx, [...replaced]);
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
  await markFoundMembers(tx, found);
  let readied = insertedRunnable;
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
  for (
    const [i, part] of chunks(open.filter((n) => n.deps.length > 0 || n.id === e.taskId), 400)
      .entries()
  ) {
    await yieldAfterFirst(i);
    const rows = await rawAll<{ task_id: string; n: number }>(tx, {
      text: `SELECT e.task_id, count(*) AS n FROM edges e LEFT JOIN tasks d ON d.id = e.dep_id
        WHERE e.task_id IN (${marks(part.length)}) AND (d.state IS NULL OR d.state != 'done')
        GROUP BY e.task_id`,
      args: part.map((n) => n.id),
    });
    for (const r of rows) pending.set(r.task_id, r.n);
  }
  const wrappersDone: string[] = [];
  const groups = new Map<string, string[]>();
  for (const n of open) {
    const hasRun = (e.families(n.family, n.version) ?? UNKNOWN_FAMILY).hasRun ?? true;
    const count = pending.get(n.id) ?? 0;
    const state = count > 0 ? "waiting" : hasRun ? "ready" : "done";
    const key = `${state}|${count}|${hasRun ? 1 : 0}`;
    const group = groups.get(key);
    if (group) group.push(n.id);
    else groups.set(key, [n.id]);
  }
  for (const [key, ids] of groups) {
    const [state, count, hasRun] = key.split("|") as [string, string, string];
    for (const [i, part] of chunks(ids, 400).entries()) {
      await yieldAfterFirst(i);
      const rows = await rawAll<{ id: string; lease_epoch: number }>(tx, {
        text: `UPDATE tasks SET state = ?, kind = 'run', has_run = ?, pending_deps = ?,
          lease_owner = NULL, lease_expires_at = NULL, ready_at = ?, next_attempt_at = ?,
          finished_at = ?, updated_at = ?
        WHERE id IN (${marks(part.length)}) RETURNING id, lease_epoch`,
        args: [
          state,
          Number(hasRun),
          Number(count),
          state === "ready" ? e.now : null,
          e.now,
          state === "done" ? e.now : null,
          e.now,
          ...part,
        ],
      });
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
  return { inserted: inserted.length, readied, done, failed };
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
  for (const [i, part] of chunks(open, 400).entries()) {
    await yieldAfterFirst(i);
    const rows = await rawAll<{ task_id: string }>(tx, {
      text: `SELECT DISTINCT e.task_id FROM edges e JOIN tasks d ON d.id = e.dep_id
        WHERE e.task_id IN (${
        marks(part.length)
      }) AND d.state IN ('failed', 'cancelled', 'blocked')`,
      args: part.map((n) => n.id),
    });
    joining.push(...rows.map((r) => r.task_id));
  }
  await refreshRunStates(tx, joining, now);
}
