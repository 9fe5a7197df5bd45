/**
 * Test helpers that build small graphs and drive one task at a time through
 * the hub's own operations (each task is its own family, so a claim for it
 * takes nothing else).
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { failTask } from "./fail_task.ts";
import type { testDatabase } from "./test_db.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

/** Adds edges `taskId → deps` and recounts the task's pending requirements from them. */
export async function insertEdges(tx: Tx, taskId: string, deps: readonly string[]): Promise<void> {
  for (const dep of deps) {
    await tx.run(sql`INSERT INTO edges (task_id, dep_id) VALUES (${taskId}, ${dep})`);
  }
  await tx.run(sql`
    UPDATE tasks SET pending_deps = (
      SELECT count(*) FROM edges e JOIN tasks d ON d.id = e.dep_id
      WHERE e.task_id = tasks.id AND d.state != 'done')
    WHERE id = ${taskId}`);
}

/** Leases ready task `id` (of family `id`) to worker `w`; returns the epoch. */
export async function leaseOne(db: TestDb, id: string, now: number, workerId = "w") {
  const [lease] = await db.tx((tx) =>
    claimTasks(tx, {
      workerId,
      pins: [""],
      families: [{ name: id, version: 1 }],
      limit: 1,
      now,
      ttlMs: 10_000,
    })
  );
  if (lease?.id !== id) throw new Error(`task ${id} could not be leased`);
  return lease.epoch;
}

/** Leases task `id` and fails it for good (which blocks what waits on it). */
export async function failOne(db: TestDb, id: string, now: number): Promise<void> {
  const epoch = await leaseOne(db, id, now);
  await db.tx((tx) =>
    failTask(tx, {
      taskId: id,
      epoch,
      workerId: "w",
      error: { name: "PermanentError", message: `${id} broke`, retryable: false },
      now,
      random: () => 0,
    })
  );
}

/** Leases task `id` and completes it (which readies what waits on it). */
export async function completeOne(db: TestDb, id: string, now: number): Promise<void> {
  const epoch = await leaseOne(db, id, now);
  const r = await db.tx((tx) =>
    completeTask(tx, { taskId: id, epoch, key: `k-${id}-${epoch}`, workerId: "w", now })
  );
  if (r.outcome !== "accepted") throw new Error(`task ${id} was not completed: ${r.message}`);
}
