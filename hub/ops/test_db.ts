/**
 * An in-memory hub database for scheduler unit tests, with helpers to seed
 * tasks through the same operations the hub uses.
 */
import { sql } from "drizzle-orm";
import { canonicalJson } from "../../shared/canonical_json.ts";
import type { Database, Tx } from "../db/client.ts";
import { openTestDatabase } from "../db/test_database.ts";
import { WriteQueue } from "../db/write_queue.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";
import { submitRun } from "./submit_run.ts";

/** A fresh, migrated test database (`:memory:`, or PostgreSQL: see `test_database.ts`) and its write queue. */
export async function testDatabase(): Promise<
  & { database: Database; queue: WriteQueue; tx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T> }
  & AsyncDisposable
> {
  const database = await openTestDatabase();
  const queue = new WriteQueue(database);
  return {
    database,
    queue,
    tx: (fn) => queue.write(fn),
    async [Symbol.asyncDispose]() {
      await queue.close();
      database.close();
    },
  };
}

/** Inserts a task directly in a given state (for tests that start mid-life). */
export async function insertTask(
  tx: Tx,
  t: {
    id: string;
    family?: string;
    state?: string;
    kind?: "expand" | "run";
    pin?: string;
    priority?: number;
    createdAt?: number;
    maxAttempts?: number;
    hasRun?: boolean;
  },
): Promise<void> {
  await tx.run(sql`
    INSERT INTO tasks (id, family, version, params, state, kind, pin, priority, max_attempts,
      retry_base_ms, retry_max_ms, has_run, created_at, updated_at)
    VALUES (${t.id}, ${t.family ?? "F"}, 1, ${canonicalJson({})}, ${t.state ?? "ready"},
      ${t.kind ?? "run"}, ${t.pin ?? ""}, ${t.priority ?? 0}, ${t.maxAttempts ?? 3}, 1000, 8000,
      ${t.hasRun === false ? 0 : 1}, ${t.createdAt ?? 0}, 0)`);
}

/** Submits a run for a root task that is ready to expand. */
export function submitRoot(tx: Tx, id: string, family = "F", now = 0) {
  return submitRun(tx, {
    runId: `run_${id}`,
    taskId: id,
    family,
    version: 1,
    params: {},
    families: () => UNKNOWN_FAMILY,
    now,
  });
}

/** One row of `tasks` as an object. */
export async function taskRow(tx: Tx, id: string): Promise<Record<string, unknown>> {
  const [row] = await tx.all<Record<string, unknown>>(sql`SELECT * FROM tasks WHERE id = ${id}`);
  if (!row) throw new Error(`no task ${id}`);
  return row;
}
