/**
 * Results on their way to the hub: each is journaled in the outbox before
 * it is sent, sent again after every welcome (in order; idempotency keys
 * make repeats safe), and settled when the hub acknowledges it — a
 * completion it accepted is published (its staged outputs committed), one
 * it refused as stale is thrown away. Settling is safe to repeat, as it is
 * after a restart replays the outbox. Task log lines travel ahead of the
 * results of their attempts (see `log_shipper.ts`).
 */
import type { Logger } from "../shared/log.ts";
import type { LeaseRef, WorkerFrame } from "../shared/protocol.ts";
import { type Clock, settlesWithin } from "./clock.ts";
import { LogShipper } from "./log_shipper.ts";
import type { TaskLogOptions } from "./task_log_limits.ts";
import type { Outbox, OutboxEntry } from "./outbox.ts";
import { failureForRefused, oversize } from "./refused_result.ts";
import { discardStaged, restoreStaged } from "./restore_staged.ts";
import type { WorkerStats } from "./worker_stats.ts";

/** What {@link Delivery} works with. */
export interface DeliveryOptions {
  outbox: Outbox;
  /** Sends a frame; false while disconnected (the outbox keeps the result). */
  send(frame: WorkerFrame): boolean;
  /** Whether a connection is open (waiting for acknowledgements makes sense). */
  connected(): boolean;
  /** Bytes the socket holds unsent (task log frames wait while it holds too many). */
  backlog(): number;
  /** Bounds on task logs, and the console capture. */
  taskLogs?: TaskLogOptions;
  log: Logger;
  stats: WorkerStats;
  clock: Clock;
  /** The hub acknowledged `entry` and it left the outbox: its lease can be forgotten. */
  settled(entry: OutboxEntry): void;
}

/**
 * Parts of one expansion sent ahead of their acknowledgements. The rest wait
 * in the outbox, each sent as an earlier one is acknowledged: a hub handed
 * all 400 parts of a 100,000-node expansion at once held them all in memory
 * until it had applied them.
 */
export const EXPANSION_PARTS_IN_FLIGHT = 8;

/** The worker's results until the hub acknowledges them. */
export class Delivery {
  /** Task log lines, which go out before the results of their attempts. */
  readonly logs: LogShipper;
  readonly #o: DeliveryOptions;
  readonly #waiters = new Set<() => void>();
  /** Acknowledgements being settled, by result key. */
  readonly #acknowledging = new Map<string, Promise<void>>();

  constructor(options: DeliveryOptions) {
    this.#o = options;
    const { send, backlog, clock, stats, log } = options;
    this.logs = new LogShipper({ send, backlog, clock, stats, log, limits: options.taskLogs });
  }

  /** How many results wait for an acknowledgement. */
  get size(): number {
    return this.#o.outbox.size;
  }

  /** Journals each result, then sends it (one too big for the hub becomes a failure). */
  queue(entries: readonly OutboxEntry[], log: Logger): void {
    for (const entry of this.#refuseOversize(entries, log)) {
      this.#o.outbox.add(entry);
      const sent = this.#inWindow(entry) && this.#o.send(entry.frame);
      log.info("result queued", { taskId: entry.frame.taskId, type: entry.frame.type, sent });
    }
  }

  /**
   * `entries`, except that a lease with a result too big for the hub has
   * all its results (here and in the outbox) replaced by one failure.
   */
  #refuseOversize(entries: readonly OutboxEntry[], log: Logger): OutboxEntry[] {
    let out: OutboxEntry[] = [];
    const refused = new Set<string>();
    const leaseOf = (e: OutboxEntry) => `${e.frame.epoch} ${e.frame.taskId}`;
    for (const entry of entries) {
      const lease = leaseOf(entry);
      if (refused.has(lease)) {
        this.#discard(entry);
        continue;
      }
      const tooBig = oversize(entry);
      if (!tooBig) {
        out.push(entry);
        continue;
      }
      refused.add(lease);
      for (const other of [...this.#o.outbox.entries(), ...out]) {
        if (leaseOf(other) !== lease) continue;
        this.#o.outbox.remove(other.key);
        this.#discard(other);
      }
      out = out.filter((e) => leaseOf(e) !== lease);
      this.#discard(entry);
      log.error("result too big for the hub: reporting the attempt failed", {
        taskId: entry.frame.taskId,
        reason: tooBig,
      });
      out.push(failureForRefused(entry, "frame_too_big", tooBig)!);
    }
    return out;
  }

  /**
   * Sends the task log lines that waited, then every unacknowledged result
   * again, in the order they were queued.
   */
  replay(): void {
    this.logs.flush();
    for (const entry of this.#o.outbox.entries()) {
      if (this.#inWindow(entry)) this.#o.send(entry.frame);
    }
  }

  /** The parts of the expansion of `taskId` at `epoch` still in the outbox, in order. */
  #parts(taskId: string, epoch: number): OutboxEntry[] {
    return this.#o.outbox.entries().filter((e) =>
      e.frame.type === "expand.result" && e.frame.taskId === taskId && e.frame.epoch === epoch
    );
  }

  /** Whether `entry` may go now: any result but a part beyond its expansion's window. */
  #inWindow(entry: OutboxEntry): boolean {
    if (entry.frame.type !== "expand.result") return true;
    return this.#parts(entry.frame.taskId, entry.frame.epoch).indexOf(entry) <
      EXPANSION_PARTS_IN_FLIGHT;
  }

  /** After part `acked` of an expansion left the outbox: the part that entered the window goes. */
  #sendNextPart(acked: OutboxEntry): void {
    if (acked.frame.type !== "expand.result" || !acked.frame.more) return;
    const next = this.#parts(acked.frame.taskId, acked.frame.epoch)[EXPANSION_PARTS_IN_FLIGHT - 1];
    if (next) this.#o.send(next.frame);
  }

  /** Whether a result of the lease on `taskId` at `epoch` awaits its acknowledgement. */
  awaits(taskId: string, epoch: number): boolean {
    return this.#o.outbox.entries().some((e) =>
      e.frame.taskId === taskId && e.frame.epoch === epoch
    );
  }

  /** `live` leases, then those whose results wait (perhaps from a previous process). */
  leaseRefs(live: readonly LeaseRef[] = []): LeaseRef[] {
    const refs = new Map<string, LeaseRef>();
    for (const ref of live) if (!refs.has(ref.taskId)) refs.set(ref.taskId, ref);
    for (const { frame: { taskId, epoch } } of this.#o.outbox.entries()) {
      if (!refs.has(taskId)) refs.set(taskId, { taskId, epoch });
    }
    return [...refs.values()];
  }

  /**
   * Settles the result the hub acknowledged under `key` (an unknown key is a
   * repeat: nothing to do). Only a completion waits for its outputs to be
   * committed or discarded; any other result leaves the outbox, and its lease
   * the worker, before this returns, so a grant for the same task that
   * follows the acknowledgement finds the slot and the task free.
   */
  acknowledge(key: string, outcome: "accepted" | "stale", message: string): Promise<void> {
    // The same answer again (a result sent again after a reconnect) while the first
    // is still committing waits for it: two commits of one output at once could
    // race (two server-side copies of an object, one deleting its source).
    const running = this.#acknowledging.get(key);
    if (running) return running;
    const done = this.#settle(key, outcome, message).finally(() => {
      this.#acknowledging.delete(key);
    });
    this.#acknowledging.set(key, done);
    return done;
  }

  async #settle(key: string, outcome: "accepted" | "stale", message: string): Promise<void> {
    const entry = this.#o.outbox.get(key);
    if (!entry) return;
    if (entry.frame.type === "task.complete") await this.#publish(entry, outcome, message);
    else if (entry.frame.type === "task.fail") this.#o.stats.failuresReported++;
    this.#o.outbox.remove(key);
    this.#sendNextPart(entry);
    // An earlier part of an expansion: the lease goes on, until the last part's answer.
    if (!(entry.frame.type === "expand.result" && entry.frame.more)) this.#o.settled(entry);
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /**
   * The hub refused the result sent under `key` (`error` frame naming it):
   * it and the other results of its lease leave the outbox, and a failure
   * naming the cause is sent instead (see `refused_result.ts`).
   */
  refused(key: string, code: string, message: string): void {
    const entry = this.#o.outbox.get(key);
    if (!entry) return;
    const { taskId, epoch } = entry.frame;
    const log = this.#o.log.child({ taskId, epoch });
    for (const other of this.#o.outbox.entries()) {
      if (other.frame.taskId === taskId && other.frame.epoch === epoch) {
        this.#o.outbox.remove(other.key);
        this.#discard(other);
      }
    }
    const failure = failureForRefused(entry, code, message);
    if (failure) {
      log.error("the hub refused a result: reporting the attempt failed", { code, message });
      this.queue([failure], log);
    } else {
      log.error("the hub refused the failure report too: giving the lease up", { code, message });
      this.#o.settled(entry);
    }
  }

  /** Throws away what a result that will never be published staged. */
  #discard(entry: OutboxEntry): void {
    for (const s of entry.staged) void discardStaged(s).catch(() => {});
  }

  /** Waits, at most `ms`, for every result to be acknowledged while a connection is open. */
  async drain(ms: number): Promise<void> {
    const deadline = this.#o.clock.now() + ms;
    while (this.size > 0 && this.#o.connected() && this.#o.clock.now() < deadline) {
      const acked = new Promise<void>((wake) => this.#waiters.add(wake));
      await settlesWithin(this.#o.clock, acked, Math.min(50, deadline - this.#o.clock.now()));
    }
  }

  /** Commits (accepted) or discards (stale) what a completion staged. */
  async #publish(entry: OutboxEntry, outcome: "accepted" | "stale", message: string) {
    const { frame } = entry;
    const { stats } = this.#o;
    const log = this.#o.log.child({ taskId: frame.taskId, epoch: frame.epoch });
    const staged = entry.staged.map(restoreStaged);
    if (outcome === "accepted") {
      await Promise.all(staged.map((s) => s.commit()));
      stats.published++;
      log.info("task published");
    } else {
      await Promise.all(staged.map((s) => s.discard()));
      stats.staleRefused++;
      log.warn("completion refused; staged output discarded", { reason: message });
    }
  }
}
