/**
 * The worker's slots: the grants it takes (one slot per grant, a batch
 * included), the attempts running in them, and what becomes of each
 * attempt — its log lines shipped, then its results queued for delivery
 * or, when a lease was lost, only its live leases handed back. The staged
 * outputs an attempt opens are journaled until they are resolved.
 */
import type { Logger } from "../shared/log.ts";
import type { LeaseGrant, WorkerFrame } from "../shared/protocol.ts";
import type { Labels } from "../shared/selector.ts";
import type { StagedOutput } from "../shared/targets/target.ts";
import type { TaskFamily } from "../shared/task.ts";
import { grantMembers, runAttempt } from "./attempt.ts";
import type { Delivery } from "./delivery.ts";
import type { HeldLease, LeaseTable } from "./lease_table.ts";
import type { StagingJournal } from "./staging_journal.ts";
import { taskLogger } from "./task_logger.ts";
import type { WorkerStats } from "./worker_stats.ts";

/** What {@link Slots} works with. */
export interface SlotsOptions {
  /** How many grants run at once. */
  slots: number;
  families: ReadonlyMap<string, TaskFamily>;
  labels: Labels;
  leases: LeaseTable;
  delivery: Delivery;
  journal: StagingJournal;
  stats: WorkerStats;
  log: Logger;
  send(frame: WorkerFrame): boolean;
  /** An attempt ended: its slot is free again. */
  onFree(): void;
}

/** The attempts a worker runs. */
export class Slots {
  readonly #o: SlotsOptions;
  readonly #running = new Set<Promise<void>>();

  constructor(options: SlotsOptions) {
    this.#o = options;
  }

  /** Free slots now. */
  get free(): number {
    return Math.max(0, this.#o.slots - this.#running.size);
  }

  /**
   * Runs `grant` in a free slot; hands its leases back instead when the
   * worker is `closing`, has no free slot, or already holds one of them.
   */
  take(grant: LeaseGrant, closing: boolean): void {
    const members = grantMembers(grant);
    if (closing || this.free === 0 || this.#o.leases.holdsAny(members)) {
      const reason = closing ? "worker shutting down" : "no free slot";
      for (const m of members) this.release(m.taskId, m.epoch, reason);
      return;
    }
    const p = this.#run(grant, this.#o.leases.hold(members)).finally(() => {
      this.#running.delete(p);
      this.#o.onFree();
    });
    this.#running.add(p);
  }

  /** Resolves once every attempt running now has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.#running]);
  }

  /** Hands a lease back to the hub. */
  release(taskId: string, epoch: number, reason: string): void {
    this.#o.stats.released++;
    this.#o.send({ type: "lease.release", taskId, epoch, reason });
  }

  async #run(grant: LeaseGrant, leases: HeldLease[]): Promise<void> {
    const log = this.#o.log.child({ taskId: grant.taskId, epoch: grant.epoch });
    const logs = this.#o.delivery.logs;
    const shipped = logs.open(grant.taskId, grant.epoch);
    const taskLog = taskLogger(log, shipped, grant);
    let staging: string | null = null;
    try {
      const entries = await logs.run(taskLog, () =>
        runAttempt(grant, leases, {
          families: this.#o.families,
          labels: this.#o.labels,
          log,
          taskLog,
          stats: this.#o.stats,
          send: this.#o.send,
          onStaged: (staged: readonly StagedOutput[]) => {
            staging = this.#o.journal.opened(staged.map((s) => s.describe()));
          },
        }));
      // The attempt's lines go out before its outcome, on the same socket.
      shipped.end();
      if (entries === null) {
        for (const lease of this.#o.leases.abandon(leases)) {
          this.release(lease.taskId, lease.epoch, "another member of the batch lost its lease");
        }
      } else this.#o.delivery.queue(entries, log);
    } finally {
      shipped.end();
      // Discarded by the attempt, or now the outbox's to commit or discard.
      this.#o.journal.resolved(staging);
    }
  }
}
