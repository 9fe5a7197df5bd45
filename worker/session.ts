/**
 * A worker's life with its hub: hello and welcome on every connection,
 * credit for free slots, one renewal frame for all leases every TTL/3,
 * grants handed to attempts, results delivered through the outbox (and
 * replayed after every reconnect) until the hub acknowledges them, and a
 * graceful close.
 */
import { WorkerShutdownError } from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import {
  BATCH_PROTOCOL,
  CLOSE,
  type FamilyInfo,
  type HubFrame,
  type LeaseRef,
  PROTOCOL_VERSION,
} from "../shared/protocol.ts";
import { type Clock, settlesWithin, systemClock } from "./clock.ts";
import { Connection, type ConnectionHandlers } from "./connection.ts";
import { Delivery } from "./delivery.ts";
import { familyRegistry } from "./family_registry.ts";
import { FigureSampler } from "./figure_sampler.ts";
import { LeaseTable } from "./lease_table.ts";
import { dropRefusedLease } from "./refused_lease.ts";
import { Slots } from "./slots.ts";
import type { SessionOptions } from "./session_options.ts";
import { newWorkerStats, type WorkerStats } from "./worker_stats.ts";
import { WORKER_VERSION } from "./worker_version.ts";
import { PERMANENT_REFUSALS, untrustedHub, WorkerRefusedError } from "./worker_refused_error.ts";

/** The worker runtime (see `startWorker` in `mod.ts`). */
export class Session {
  readonly workerId: string;
  readonly stats: WorkerStats = newWorkerStats();
  readonly #figures = new FigureSampler(this.stats, () => this.#clock);
  readonly #o: SessionOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #infos: FamilyInfo[];
  readonly #leases = new LeaseTable();
  readonly #connection: Connection;
  readonly #slots: Slots;
  readonly #welcomed = Promise.withResolvers<void>();
  #refusal: WorkerRefusedError | null = null;
  readonly #closed = Promise.withResolvers<void>();
  readonly #delivery: Delivery;
  #grantsSeen = 0;
  /** The protocol offered in the hello (lowered if a hub refuses it), and the one welcomed. */
  #protocol = PROTOCOL_VERSION;
  #agreed = 1;
  #ttlMs = 15_000;
  #renewTimer: unknown = null;
  #welcome = false;
  #closing = false;

  constructor(options: SessionOptions) {
    this.#o = options;
    // A refusal rejects `ready`; callers who never await it must not crash on it.
    this.#welcomed.promise.catch(() => {});
    this.workerId = options.workerId;
    this.#log = options.log.child({ workerId: this.workerId });
    this.#clock = options.clock ?? systemClock;
    const registry = familyRegistry(options.families);
    this.#infos = registry.infos;
    this.#connection = new Connection(
      {
        hubUrl: options.hubUrl,
        log: this.#log,
        headers: options.headers,
        caCerts: options.caCerts,
        coalesceMs: options.coalesceMs,
        // Holding leases, retry often enough to renew them before they expire.
        maxDelayMs: () =>
          this.#leases.size > 0 || this.#delivery.size > 0
            ? Math.max(50, Math.floor(this.#ttlMs / 8))
            : undefined,
      },
      {
        onOpen: () => this.#sendHello(),
        onFrame: (frame) => this.#onFrame(frame),
        onClose: (...closed) => this.#onClose(...closed),
      },
    );
    this.#delivery = new Delivery({
      outbox: options.outbox,
      send: (frame) => this.#connection.send(frame),
      connected: () => this.#connection.open,
      backlog: () => this.#connection.backlog,
      taskLogs: options.taskLogs,
      log: this.#log,
      stats: this.stats,
      clock: this.#clock,
      settled: ({ frame }) => this.#leases.settle(frame.taskId, frame.epoch),
    });
    this.#slots = new Slots({
      slots: options.slots,
      prefetch: options.prefetch,
      families: registry.byKey,
      labels: options.labels,
      leases: this.#leases,
      delivery: this.#delivery,
      journal: options.journal,
      stats: this.stats,
      log: this.#log,
      send: (frame) => this.#connection.send(frame),
      onFree: () => this.#sendCredit(),
    });
  }

  /**
   * Resolves on the first welcome from a hub; rejects with a
   * {@link WorkerRefusedError} when the hub refused the worker for good.
   */
  get ready(): Promise<void> {
    return this.#welcomed.promise;
  }

  /** Why the hub refused this worker for good, once it has (the session then closes). */
  get refusal(): WorkerRefusedError | null {
    return this.#refusal;
  }

  /** Resolves once the worker has closed (asked to, or drained by the hub). */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** Starts connecting. */
  start(): void {
    this.#connection.start();
  }

  /**
   * Stops taking leases, lets running tasks finish within `graceMs`, hands the
   * remaining leases back (their signals abort with a `WorkerShutdownError`),
   * waits briefly for acknowledgements, and closes.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#sendCredit();
    // Grants that have not started go back at once, for another worker to run.
    this.#slots.releaseQueued("worker shutting down");
    const idle = this.#slots.idle();
    if (!(await settlesWithin(this.#clock, idle, graceMs))) {
      // Leases whose signal already aborted (a timeout) are left to report their failure.
      for (const lease of this.#leases.all().filter((l) => !l.controller.signal.aborted)) {
        this.#leases.drop(
          lease.taskId,
          lease.epoch,
          new WorkerShutdownError(lease.taskId, graceMs),
        );
        this.#slots.release(lease.taskId, lease.epoch, "worker shutting down");
      }
      await idle;
    }
    // Give the hub a moment to acknowledge what is in flight.
    await this.#delivery.drain(Math.min(2_000, graceMs));
    this.#stopRenewals();
    this.#delivery.logs.close();
    await this.#connection.stop();
    this.#o.outbox.close();
    this.#o.journal.close();
    this.#closed.resolve();
  }

  #sendHello(): void {
    this.stats.connects++;
    this.#grantsSeen = 0;
    this.#connection.send({
      type: "hello",
      protocol: this.#protocol,
      workerId: this.workerId,
      name: this.#o.name,
      version: WORKER_VERSION,
      labels: this.#o.labels,
      slots: this.#o.slots,
      families: this.#infos,
      leases: this.#leaseRefs(),
    });
  }

  /** Live leases, plus those whose results wait in the outbox (perhaps from a previous process). */
  #leaseRefs(): LeaseRef[] {
    return this.#delivery.leaseRefs(this.#leases.refs());
  }

  #onClose(...[code, reason, opened, error, hubUrl]: Parameters<ConnectionHandlers["onClose"]>) {
    this.#welcome = false;
    this.#stopRenewals();
    this.#refusal ??= untrustedHub(error, hubUrl);
    if (this.#refusal && !this.#closing) {
      // Retrying cannot fix a missing token, a scope the labels break or an untrusted hub: stop.
      this.#log.error("cannot work with this hub: stopping", { code: this.#refusal.code, reason });
      this.#welcomed.reject(this.#refusal);
      void this.close(0);
      return;
    }
    if (code === CLOSE.drained && !this.#closing) {
      this.#log.info("drained by the hub: stopping", { reason });
      void this.close(0);
      return;
    }
    // A socket that never opened is logged by the connection, with its URL.
    if (!this.#closing && opened) {
      this.#log.warn("disconnected from the hub", { code, reason, heldLeases: this.#leases.size });
    }
  }

  #onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case "welcome":
        this.#onWelcome(frame.leaseTtlMs, frame.protocol);
        return;
      case "lease.grant":
        this.#grantsSeen++;
        this.stats.grants++;
        this.#slots.take(frame, this.#closing);
        return;
      case "lease.renewed":
        this.#ttlMs = frame.ttlMs;
        for (const r of frame.refused) this.#onRefused(r.taskId, r.epoch, r.reason, r.cancelled);
        return;
      case "lease.revoke":
        this.#onRefused(frame.taskId, frame.epoch, frame.reason, true);
        return;
      case "task.ack":
        void this.#delivery.acknowledge(frame.key, frame.outcome, frame.message).catch((error) =>
          this.#log.error("handling an acknowledgement failed", { ...frame, error })
        );
        return;
      case "error":
        this.#log.error("hub reported an error", { code: frame.code, message: frame.message });
        if (frame.key) this.#delivery.refused(frame.key, frame.code, frame.message);
        if (!this.#welcome && frame.code === "unsupported_protocol" && this.#protocol > 1) {
          // A hub older than this worker: offer protocol 1 from the next connection on.
          this.#log.info("the hub speaks an older protocol: offering protocol 1");
          this.#protocol = 1;
          return;
        }
        if (!this.#welcome && PERMANENT_REFUSALS.includes(frame.code)) {
          const hubUrl = this.#connection.hubUrl;
          this.#refusal = new WorkerRefusedError(frame.code, frame.message, hubUrl);
        }
        return;
    }
  }

  #onWelcome(ttlMs: number, protocol: number): void {
    this.#welcome = true;
    this.#ttlMs = ttlMs;
    this.#agreed = protocol;
    this.#slots.allowPrefetch(protocol >= BATCH_PROTOCOL);
    this.#connection.healthy(2 * ttlMs);
    this.#stopRenewals();
    this.#renewTimer = this.#clock.setInterval(
      () => this.#renew(),
      Math.max(20, Math.floor(ttlMs / 3)),
    );
    this.#delivery.replay();
    this.#sendCredit();
    // What the welcome calls for goes out at once; batches from here on.
    this.#connection.batching = protocol >= BATCH_PROTOCOL;
    // Said once those frames are out: whoever acts on this line (a test
    // stopping the hub) cannot race them.
    const held = { heldLeases: this.#leases.size, outbox: this.#delivery.size };
    this.#log.info("connected to the hub", { hubUrl: this.#connection.hubUrl, ttlMs, ...held });
    this.#welcomed.resolve();
  }

  #renew(): void {
    if (!this.#welcome) return;
    const figures = this.#figures.read(this.#o.slots - this.#slots.free, this.#delivery.size);
    this.#connection.send({ type: "lease.renew", leases: this.#leaseRefs(), figures });
  }

  #stopRenewals(): void {
    if (this.#renewTimer !== null) this.#clock.clearInterval(this.#renewTimer);
    this.#renewTimer = null;
    this.#figures.stop();
  }

  /** Tells the hub how many leases this worker can take now (only the latest counts). */
  #sendCredit(): void {
    if (!this.#welcome) return;
    const free = this.#closing ? 0 : this.#slots.free;
    const credit = { type: "lease.credit" as const, free, grantsSeen: this.#grantsSeen };
    if (this.#agreed < BATCH_PROTOCOL) this.#connection.send(credit);
    else {
      const prefetch = this.#closing ? 0 : this.#slots.prefetchFree;
      this.#connection.send({ ...credit, prefetch }, "lease.credit");
    }
  }

  /** The hub refused a renewal (the lease was lost) or took the lease back (`cancelled`). */
  #onRefused(taskId: string, epoch: number, reason: string, cancelled = false): void {
    const x = { leases: this.#leases, delivery: this.#delivery, stats: this.stats, log: this.#log };
    dropRefusedLease(x, taskId, epoch, reason, cancelled);
  }
}
