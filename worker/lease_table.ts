/**
 * The leases a worker holds, from the grant until the hub acknowledges the
 * result, the lease is dropped, or its attempt is abandoned. The members of
 * one grant (a batch) share one AbortController: losing any member's lease
 * stops them all.
 */
import type { LeaseRef } from "../shared/protocol.ts";

/** One held lease. */
export interface HeldLease {
  readonly taskId: string;
  readonly epoch: number;
  /** The controller of the attempt running this lease (shared by a batch). */
  readonly controller: AbortController;
  /** Set once the lease is dropped: its attempt must not publish. */
  lost: boolean;
}

/** The leases held now, by task id. */
export class LeaseTable {
  readonly #held = new Map<string, HeldLease>();

  /** How many leases are held. */
  get size(): number {
    return this.#held.size;
  }

  /** Whether a lease on any of these tasks is held (whatever its epoch). */
  holdsAny(refs: readonly LeaseRef[]): boolean {
    return refs.some((r) => this.#held.has(r.taskId));
  }

  /** Holds the leases of one grant, under one new controller. */
  hold(refs: readonly LeaseRef[]): HeldLease[] {
    const controller = new AbortController();
    const leases = refs.map((r): HeldLease => ({
      taskId: r.taskId,
      epoch: r.epoch,
      controller,
      lost: false,
    }));
    for (const lease of leases) this.#held.set(lease.taskId, lease);
    return leases;
  }

  /** The lease on `taskId` at `epoch`, if held. */
  get(taskId: string, epoch: number): HeldLease | undefined {
    const lease = this.#held.get(taskId);
    return lease?.epoch === epoch ? lease : undefined;
  }

  /** Every held lease. */
  all(): HeldLease[] {
    return [...this.#held.values()];
  }

  /** The leases still live (not dropped), as the hello and renewals name them. */
  refs(): LeaseRef[] {
    const refs: LeaseRef[] = [];
    for (const l of this.#held.values()) {
      if (!l.lost) refs.push({ taskId: l.taskId, epoch: l.epoch });
    }
    return refs;
  }

  /**
   * Drops the lease on `taskId` at `epoch` (lost, revoked, or handed back on
   * shutdown): forgets it, marks it lost so its attempt publishes nothing,
   * and aborts the attempt's signal with `reason` unless it already aborted
   * (another member of its batch went first). Returns the lease, or
   * undefined when no such lease is held.
   */
  drop(taskId: string, epoch: number, reason: Error): HeldLease | undefined {
    const lease = this.get(taskId, epoch);
    if (!lease) return undefined;
    lease.lost = true;
    this.#held.delete(taskId);
    if (!lease.controller.signal.aborted) lease.controller.abort(reason);
    return lease;
  }

  /** Forgets the lease whose result the hub acknowledged. */
  settle(taskId: string, epoch: number): void {
    if (this.get(taskId, epoch)) this.#held.delete(taskId);
  }

  /** Forgets the leases of an abandoned attempt; returns those still live, to hand back. */
  abandon(leases: readonly HeldLease[]): HeldLease[] {
    const live: HeldLease[] = [];
    for (const lease of leases) {
      if (this.#held.get(lease.taskId) === lease) this.#held.delete(lease.taskId);
      if (!lease.lost) live.push(lease);
    }
    return live;
  }
}
