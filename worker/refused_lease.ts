/**
 * What a worker does when the hub refuses a lease's renewal (it was lost:
 * another worker may own the task now) or takes the lease back (the task
 * was cancelled or marked done): the lease is dropped through the lease
 * table's one `drop()`, and its attempt aborts with the matching reason and
 * publishes nothing. A result already on its way is left to the hub's answer.
 */
import { LeaseLostError, TaskCancelledError } from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import type { Delivery } from "./delivery.ts";
import type { LeaseTable } from "./lease_table.ts";
import type { WorkerStats } from "./worker_stats.ts";

/** What dropping a refused lease touches. */
export interface RefusedLeaseContext {
  leases: LeaseTable;
  delivery: Delivery;
  stats: WorkerStats;
  log: Logger;
}

/** Drops the lease `(taskId, epoch)` the hub refused (`cancelled`: took back). */
export function dropRefusedLease(
  x: RefusedLeaseContext,
  taskId: string,
  epoch: number,
  reason: string,
  cancelled: boolean,
): void {
  if (!x.leases.get(taskId, epoch)) return;
  if (!cancelled && x.delivery.awaits(taskId, epoch)) {
    // The result is already on its way; the hub's answer to it decides (a
    // completion it already accepted is acknowledged again by its key).
    x.log.info("renewal refused while the result awaits acknowledgement", {
      taskId,
      epoch,
      reason,
    });
    return;
  }
  if (cancelled) x.log.warn("lease revoked", { taskId, epoch, reason });
  else {
    x.stats.leasesLost++;
    x.log.warn("lease lost", { taskId, epoch, reason });
  }
  x.leases.drop(
    taskId,
    epoch,
    cancelled ? new TaskCancelledError(taskId, reason) : new LeaseLostError(taskId, reason),
  );
}
