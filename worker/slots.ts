/**
 * The worker's slots: the grants it takes (one slot per grant, a batch
 * included), the attempts running in them, and what becomes of each
 * attempt — its log lines shipped, then its results queued for delivery
 * or, when a lease was lost, only its live leases handed back. The staged
 * outputs an attempt opens are journaled until they are resolved. Up to
 * `prefetch` grants beyond the free slots wait in a queue, their leases held
 * and renewed like the others, and start as soon as a slot frees: a worker
 * far from its hub need not wait a round trip for each new grant.
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
  /** How many grants may wait for a slot (0: none; a grant with no slot is handed back). */
  prefetch: number;
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
  /** Grants waiting for a slot, oldest first, with the leases held for them. */
  readonly #queued: { grant: LeaseGrant; leases: HeldLease[] }[] = [];
  /** Grants that may wait now: 0 while the hub speaks protocol 1. */
  #prefetch = 0;

  constructor(options: SlotsOptions) {
    this.#o = options;
  }

  /** Free slots now. */
  get free(): number {
    return Math.max(0, this.#o.slots - this.#running.size);
  }

  /** More grants that may wait for a slot now (credit beyond the free slots). */
  get prefetchFree(): number {
    return Math.max(0, this.#prefetch - this.#queued.length);
  }

  /** Lets grants wait for a slot (the hub speaks protocol 2), or not. */
  allowPrefetch(on: boolean): void {
    this.#prefetch = on ? this.#o.prefetch : 0;
  }

  /**
   * Runs `grant` in a free slot, or queues it while the prefetch allows;
   * hands its leases back instead when the worker is `closing`, has no room,
   * or already holds one of them.
   */
  take(grant: LeaseGrant, closing: boolean): void {
    const members = grantMembers(grant);
    const room = this.free > 0 || this.#queued.length < this.#prefetch;
    const held = this.#o.leases.holdsAny(members);
    if (closing || !room || held) {
      // `held`: the grant overtook the acknowledgement of this task's last result.
      const reason = closing
        ? "worker shutting down"
        : held
        ? "worker still holds an earlier lease on this task"
        : "no free slot";
      for (const m of members) this.release(m.taskId, m.epoch, reason);
      // The hub counted this grant against the credit: say again what is free,
      // or a worker with nothing running would wait for a grant forever.
      if (!closing) this.#o.onFree();
      return;
    }
    const leases = this.#o.leases.hold(members);
    if (this.free > 0) this.#start(grant, leases);
    else {
      this.#o.stats.prefetched++;
      this.#queued.push({ grant, leases });
    }
  }

  /**
   * Hands back every queued grant's leases that are still held (shutdown,
   * drain): they have not started, so another worker can run them at once.
   */
  releaseQueued(reason: string): void {
    for (const { leases } of this.#queued.splice(0)) {
      for (const lease of this.#o.leases.abandon(leases)) {
        this.release(lease.taskId, lease.epoch, reason);
      }
    }
  }

  /** Resolves once every attempt running now has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.#running]);
  }

  #start(grant: LeaseGrant, leases: HeldLease[]): void {
    const p = this.#run(grant, leases).finally(() => {
      this.#running.delete(p);
      this.#startQueued();
      this.#o.onFree();
    });
    this.#running.add(p);
  }

  /** Starts the oldest queued grant whose leases are all still held. */
  #startQueued(): void {
    while (this.free > 0 && this.#queued.length > 0) {
      const { grant, leases } = this.#queued.shift()!;
      if (leases.some((l) => l.lost || this.#o.leases.get(l.taskId, l.epoch) !== l)) {
        // Lost while waiting (refused at a renewal, revoked): hand back the rest.
        for (const lease of this.#o.leases.abandon(leases)) {
          this.release(lease.taskId, lease.epoch, "another member of the batch lost its lease");
        }
        continue;
      }
      this.#start(grant, leases);
    }
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
