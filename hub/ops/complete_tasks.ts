/**
 * Publication of many completions at once, with the same rules as
 * {@link completeTask} and a few statements for the whole batch instead of
 * several per task: the hub gathers the completions that arrive while a
 * transaction commits and applies them together.
 */
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";
import { marks, placeholders, rawAll, rawRun, rows } from "../db/raw_sql.ts";
import { completeTask, type Completion, type CompletionResult } from "./complete_task.ts";
import { propagateDone } from "./steps/propagate_done.ts";

/** One answer per completion, in order; an error is that completion's alone. */
export type CompletionOutcome = { ok: true; result: CompletionResult } | {
  ok: false;
  error: unknown;
};

/**
 * Applies `cs`, each at its own `now` (when it arrived). Completions of tasks or keys already in the
 * batch, and those the batch statements refuse, go one by one through
 * {@link completeTask}, each in its own savepoint, so that one bad item fails
 * alone.
 */
export async function completeTasks(
  tx: Tx,
  cs: readonly Completion[],
): Promise<CompletionOutcome[]> {
  const out: Array<CompletionOutcome | undefined> = new Array(cs.length);
  const firsts: number[] = [];
  const later: number[] = [];
  const tasks = new Set<string>();
  const keys = new Set<string>();
  cs.forEach((c, i) => {
    if (tasks.has(c.taskId) || keys.has(c.key)) later.push(i);
    else {
      tasks.add(c.taskId);
      keys.add(c.key);
      firsts.push(i);
    }
  });
  try {
    const results = await tx.transaction((sp) => publishAll(sp, firsts.map((i) => cs[i]!)));
    firsts.forEach((i, j) => out[i] = { ok: true, result: results[j]! });
  } catch {
    later.unshift(...firsts);
  }
  for (const i of later.sort((a, b) => a - b)) {
    try {
      const result = await tx.transaction((sp) => completeTask(sp, cs[i]!));
      out[i] = { ok: true, result };
    } catch (error) {
      out[i] = { ok: false, error };
    }
  }
  return out as CompletionOutcome[];
}

/** Completions of distinct tasks under distinct keys, in a few statements per 400. */
async function publishAll(tx: Tx, cs: readonly Completion[]): Promise<CompletionResult[]> {
  const results = new Map<string, CompletionResult>();
  const published: Completion[] = [];
  const stale: Completion[] = [];
  for (const part of chunks(cs, 400)) {
    const seen = new Map(
      (await rawAll<{ key: string; task_id: string }>(tx, {
        text: `SELECT key, task_id FROM publications WHERE key IN (${marks(part.length)})`,
        args: part.map((c) => c.key),
      })).map((r) => [r.key, r.task_id]),
    );
    const fresh = part.filter((c) => {
      const owner = seen.get(c.key);
      if (owner === undefined) return true;
      results.set(
        c.key,
        owner === c.taskId
          ? { outcome: "accepted", message: "already published", repeat: true, readied: 0 }
          : {
            outcome: "stale",
            message: `Idempotency key "${c.key}" was already used for task "${owner}"`,
            repeat: true,
            readied: 0,
          },
      );
      return false;
    });
    if (fresh.length === 0) continue;
    // A join on the completions (UPDATE … FROM): one lookup per row, where
    // correlated subqueries looked the list up three times.
    const updated = await rawAll<
      { id: string; resources: string; family: string; started_at: number | null; attempt: number }
    >(tx, {
      text: `WITH c(id, epoch, owner, now) AS (VALUES ${placeholders(fresh.length, 4)})
        UPDATE tasks SET
          state = 'done', lease_owner = NULL, lease_expires_at = NULL,
          finished_at = c.now, updated_at = c.now, progress = 1, last_error = NULL
        FROM c
        WHERE tasks.id = c.id AND +tasks.state = 'leased' AND tasks.kind = 'run'
          AND tasks.lease_epoch = c.epoch AND tasks.lease_owner = c.owner
          AND tasks.lease_expires_at >= c.now
        RETURNING tasks.id AS id, tasks.resources AS resources, tasks.family AS family,
          tasks.started_at AS started_at, tasks.attempt AS attempt`,
      args: fresh.flatMap((c) => [c.taskId, c.epoch, c.workerId, c.now]),
    });
    const done = new Map(updated.map((r) => [r.id, r]));
    for (const c of fresh) {
      const row = done.get(c.taskId);
      if (!row) {
        stale.push(c);
        continue;
      }
      published.push(c);
      results.set(c.key, {
        outcome: "accepted",
        message: "published",
        repeat: false,
        readied: 0,
        freedResources: row.resources !== "{}",
        task: { family: row.family, startedAt: row.started_at, attempt: row.attempt },
      });
    }
    const ok = fresh.filter((c) => done.has(c.taskId));
    if (ok.length === 0) continue;
    await rawRun(tx, {
      text: `INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
        VALUES ${rows(ok.length, "(?, ?, ?, ?, 'run', ?)")}`,
      args: ok.flatMap((c) => [c.key, c.taskId, c.epoch, c.workerId, c.now]),
    });
    await rawRun(tx, {
      text: `WITH c(task_id, epoch, now) AS (VALUES ${placeholders(ok.length, 3)})
        UPDATE attempts SET outcome = 'done', ended_at = c.now
        FROM c WHERE attempts.task_id = c.task_id AND attempts.epoch = c.epoch`,
      args: ok.flatMap((c) => [c.taskId, c.epoch, c.now]),
    });
  }
  // Stale ones (rare) say why, as a single completion does.
  for (const c of stale) results.set(c.key, await completeTask(tx, c));
  const latest = Math.max(...published.map((c) => c.now));
  const propagation = published.length === 0
    ? { readied: 0 }
    : await propagateDone(tx, published.map((c) => c.taskId), latest);
  // Readiness is the batch's: the first publication carries it (the hub only asks "any?").
  const first = published[0];
  if (first) results.get(first.key)!.readied = propagation.readied;
  return cs.map((c) => results.get(c.key)!);
}
