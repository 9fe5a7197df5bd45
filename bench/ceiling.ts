/**
 * The ceiling: the claim-and-complete work of a wide run done directly
 * against libSQL in this one process, on the hub's own schema (migrated by
 * a hub started and stopped; its triggers included) and the same disk, with
 * no sockets, workers, frames or validation. Tasks go in batches of 32 (the
 * bench's 4 workers × 8 slots): a transaction claims a batch (leases and
 * attempts), another completes it (states, publications, attempts closed,
 * the root's pending count), as the hub's group commits would at best.
 */
import { createClient } from "@libsql/client";
import { measureFileCreate, PROBE_FILES } from "./file_create.ts";
import { migrateDatabase } from "./history.ts";

/** Tasks claimed and completed per transaction pair. */
const BATCH = 32;

/** What the ceiling run measured. */
export interface Ceiling {
  tasks: number;
  seconds: number;
  tasksPerSecond: number;
  batch: number;
  /** CPU (user + system, µs) that creating one small file costs on this disk. */
  fileCreateCpuUs: number;
  /** Files created to measure it. */
  files: number;
}

/** Runs `n` tasks' claims and completions straight against a fresh file database in `dir`. */
export async function measureCeiling(dir: string, n: number): Promise<Ceiling> {
  const url = `file:${dir}/ceiling.db`;
  await migrateDatabase(url);
  const db = createClient({ url, timeout: 5_000 });
  try {
    const now = Date.now();
    // A root waiting on n ready leaves, with its run and members, as a wide run has them.
    await db.batch([
      `INSERT INTO tasks (id, family, version, params, state, kind, has_run, pending_deps,
        created_at, updated_at) VALUES ('root', 'BenchWide', 1, '{}', 'waiting', 'run', 0, ${n},
        ${now}, ${now})`,
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n - 1})
        INSERT INTO tasks (id, family, version, params, state, kind, has_run, created_at,
          updated_at, ready_at, next_attempt_at)
        SELECT 'leaf_' || i, 'BenchLeaf', 1, json_object('i', i), 'ready', 'run', 1, ${now} + i,
          ${now}, ${now}, 0 FROM seq`,
      `INSERT INTO edges (task_id, dep_id) SELECT 'root', id FROM tasks WHERE id <> 'root'`,
      `INSERT INTO runs (id, root_task_id, family, params, state, created_at)
        VALUES ('run_ceiling', 'root', 'BenchWide', '{}', 'running', ${now})`,
      `INSERT INTO run_tasks (run_id, task_id, before) SELECT 'run_ceiling', id, 0 FROM tasks`,
    ], "write");
    const started = performance.now();
    let done = 0;
    while (done < n) {
      const t = Date.now();
      const claim = await db.transaction("write");
      const { rows } = await claim.execute({
        sql: `UPDATE tasks SET state = 'leased', lease_owner = 'w', lease_epoch = lease_epoch + 1,
          lease_expires_at = ?, attempt = attempt + 1, started_at = ?, updated_at = ?
          WHERE id IN (SELECT id FROM tasks INDEXED BY tasks_claim_idx
            WHERE state = 'ready' AND pin = '' AND family = 'BenchLeaf' AND version = 1
            ORDER BY priority DESC, created_at LIMIT ${BATCH})
          RETURNING id, lease_epoch`,
        args: [t + 15_000, t, t],
      });
      const ids = rows.map((r) => String(r.id));
      const marks = ids.map(() => "(?, 'run', 1, 1, 'w', ?)").join(", ");
      await claim.execute({
        sql: `INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at)
          VALUES ${marks}`,
        args: ids.flatMap((id) => [id, t]),
      });
      await claim.commit();
      const c = Date.now();
      const complete = await db.transaction("write");
      const list = ids.map(() => "?").join(", ");
      await complete.execute({
        sql: `UPDATE tasks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
          finished_at = ?, updated_at = ?, progress = 1 WHERE id IN (${list}) AND +state = 'leased'`,
        args: [c, c, ...ids],
      });
      await complete.execute({
        sql: `INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
          VALUES ${ids.map(() => "(?, ?, 1, 'w', 'run', ?)").join(", ")}`,
        args: ids.flatMap((id) => [`k_${id}`, id, c]),
      });
      await complete.execute({
        sql: `UPDATE attempts SET ended_at = ?, outcome = 'done'
          WHERE task_id IN (${list}) AND epoch = 1`,
        args: [c, ...ids],
      });
      await complete.execute({
        sql: "UPDATE tasks SET pending_deps = pending_deps - ? WHERE id = 'root'",
        args: [ids.length],
      });
      await complete.commit();
      done += ids.length;
      if (ids.length === 0) throw new Error(`The ceiling run found no ready task after ${done}`);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      tasks: n,
      seconds,
      tasksPerSecond: n / seconds,
      batch: BATCH,
      fileCreateCpuUs: measureFileCreate(dir),
      files: PROBE_FILES,
    };
  } finally {
    db.close();
  }
}
