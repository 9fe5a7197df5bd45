/**
 * The two ways an expansion or a park ends without applying a graph: a run
 * that keeps parking past its limit fails, and a task whose own pin
 * excludes the worker that got it is handed back re-pinned.
 */
import { sql } from "drizzle-orm";
import { pinKey, type Selector } from "../../../shared/selector.ts";
import type { Tx } from "../../db/client.ts";
import { blockDependents } from "./block_dependents.ts";
import { refreshRunStates } from "./run_states.ts";

/** The lease an expansion or park answers. */
export interface ExpansionLease {
  taskId: string;
  epoch: number;
  now: number;
}

/** What the hub did, in the shape of an expansion result. */
export interface Settled {
  outcome: "accepted";
  message: string;
  inserted: 0;
  readied: number;
  done: 0;
  pin?: string;
}

/** A run parked more than `limit` times: it fails for good. */
export async function failParked(tx: Tx, e: ExpansionLease, limit: number): Promise<Settled> {
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
  await refreshRunStates(tx, [e.taskId], e.now);
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
export async function repin(tx: Tx, e: ExpansionLease, pin: Selector): Promise<Settled> {
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
