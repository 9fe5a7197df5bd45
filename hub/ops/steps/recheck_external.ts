/**
 * External data (Luigi's ExternalTask) that is not there yet: the task is
 * checked again later, with growing waits, until its deadline, when it fails.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { blockDependents } from "./block_dependents.ts";
import { refreshRunStates } from "./run_states.ts";

/** Longest wait between two checks of external data. */
const EXTERNAL_CHECK_MAX_MS = 60_000;

/**
 * Schedules the next check of external task `taskId`, or fails it at its
 * deadline; returns whether it failed.
 */
export async function recheckExternal(
  tx: Tx,
  taskId: string,
  family: { options: { external?: { checkEveryMs: number; deadlineMs: number } } },
  now: number,
): Promise<boolean> {
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
    await refreshRunStates(tx, [taskId], now);
    return true;
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
  return false;
}
