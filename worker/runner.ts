/**
 * The worker runtime: takes leases up to its slots, renews them all in one
 * frame every TTL/3, runs tasks with an AbortSignal that fires when a lease
 * is lost, and reports results through the outbox until the hub acknowledges.
 */
import { VERSION } from "../shared/version.ts";
import { delay } from "../shared/delay.ts";
import { canonicalJson } from "../shared/canonical_json.ts";
import { familyInfo } from "../shared/family_info.ts";
import {
  LeaseLostError,
  PermanentError,
  TaskCancelledError,
  toWireError,
} from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import {
  CLOSE,
  type ExpandNode,
  type FamilyInfo,
  type HubFrame,
  type LeaseGrant,
  PROTOCOL_VERSION,
} from "../shared/protocol.ts";
import type { Labels } from "../shared/selector.ts";
import type { StagedDescription } from "../shared/targets/target.ts";
import type { AnyTaskInstance, TaskFamily } from "../shared/task.ts";
import { Connection } from "./connection.ts";
import { executeBatch, executeRun, ParkRequest } from "./execute.ts";
import { expandLocally } from "./expand.ts";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import { restoreStaged } from "./restore_staged.ts";

/** Version string workers report. */
export const WORKER_VERSION = VERSION;

/** Options for the runner. */
export interface RunnerOptions {
  hubUrl: string;
  // deno-lint-ignore no-explicit-any
  families: readonly TaskFamily<any, any>[];
  labels: Labels;
  slots: number;
  name: string;
  log: Logger;
  outbox: Outbox;
  expandBudget?: number;
  headers?: Record<string, string>;
  /** This worker's identity; kept across restarts (see `mod.ts`) so a restarted worker still owns its leases. */
  workerId?: string;
}

interface HeldLease {
  taskId: string;
  epoch: number;
  kind: "expand" | "run";
  controller: AbortController;
  /** Set when the hub refused a renewal: the attempt must not publish. */
  lost: boolean;
}

/** Figures about a worker's life, for tests and benchmarks. */
export interface WorkerStats {
  connects: number;
  grants: number;
  runs: number;
  expansions: number;
  published: number;
  staleRefused: number;
  failuresReported: number;
  leasesLost: number;
  released: number;
}

/** The worker runtime (see `startWorker` in `mod.ts`). */
export class Runner {
  readonly workerId: string;
  readonly stats: WorkerStats = {
    connects: 0,
    grants: 0,
    runs: 0,
    expansions: 0,
    published: 0,
    staleRefused: 0,
    failuresReported: 0,
    leasesLost: 0,
    released: 0,
  };
  readonly #o: RunnerOptions;
  readonly #log: Logger;
  readonly #families: Map<string, TaskFamily>;
  readonly #infos: FamilyInfo[];
  readonly #held = new Map<string, HeldLease>();
  readonly #connection: Connection;
  readonly #running = new Set<Promise<void>>();
  readonly #welcomed = Promise.withResolvers<void>();
  readonly #closed = Promise.withResolvers<void>();
  #busy = 0;
  #grantsSeen = 0;
  #ttlMs = 15_000;
  #renewTimer: ReturnType<typeof setInterval> | null = null;
  #session = false;
  #closing = false;
  #ackWaiters = new Set<() => void>();

  constructor(options: RunnerOptions) {
    this.#o = options;
    this.workerId = options.workerId ?? newWorkerId();
    this.#log = options.log.child({ workerId: this.workerId });
    this.#families = new Map();
    this.#infos = [];
    for (const f of options.families) {
      const key = `${f.name}@${f.version}`;
      if (this.#families.has(key)) {
        throw new TypeError(`Task family ${f.name} version ${f.version} is registered twice`);
      }
      this.#families.set(key, f);
      this.#infos.push(familyInfo(f));
    }
    this.#connection = new Connection(
      {
        hubUrl: options.hubUrl,
        log: this.#log,
        headers: options.headers,
        // Holding leases, retry often enough to renew them before they expire.
        maxDelayMs: () =>
          this.#held.size > 0 || this.#o.outbox.size > 0
            ? Math.max(50, Math.floor(this.#ttlMs / 8))
            : undefined,
      },
      {
        onOpen: () => this.#sendHello(),
        onFrame: (frame) => this.#onFrame(frame),
        onClose: (code, reason) => this.#onClose(code, reason),
      },
    );
  }

  /** Resolves on the first welcome from a hub. */
  get ready(): Promise<void> {
    return this.#welcomed.promise;
  }

  /** Resolves once the worker has closed (asked to, or drained by the hub). */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** Leases held now (running or waiting for the hub's acknowledgement). */
  get heldLeases(): number {
    return this.#held.size;
  }

  /** Starts connecting. */
  start(): void {
    this.#connection.start();
  }

  /**
   * Stops taking leases, lets running tasks finish within `graceMs`, hands the
   * remaining leases back, waits briefly for acknowledgements, and closes.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#sendCredit();
    const all = Promise.all([...this.#running]);
    const timedOut = await Promise.race([all.then(() => false), delay(graceMs).then(() => true)]);
    if (timedOut) {
      for (const lease of this.#held.values()) {
        if (lease.controller.signal.aborted) continue;
        lease.lost = true;
        lease.controller.abort(new Error("worker shutting down"));
        if (
          this.#connection.send({
            type: "lease.release",
            taskId: lease.taskId,
            epoch: lease.epoch,
            reason: "worker shutting down",
          })
        ) this.stats.released++;
      }
      await all;
    }
    // Give the hub a moment to acknowledge what is in flight.
    const deadline = Date.now() + Math.min(2_000, graceMs);
    while (this.#o.outbox.size > 0 && this.#connection.open && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#ackWaiters.add(resolve);
        setTimeout(resolve, 50);
      });
    }
    this.#stopRenewals();
    await this.#connection.stop();
    this.#o.outbox.close();
    this.#closed.resolve();
  }

  #sendHello(): void {
    this.stats.connects++;
    this.#grantsSeen = 0;
    this.#connection.send({
      type: "hello",
      protocol: PROTOCOL_VERSION,
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
  #leaseRefs() {
    const refs = new Map<string, { taskId: string; epoch: number }>();
    for (const l of this.#held.values()) {
      if (!l.lost) refs.set(l.taskId, { taskId: l.taskId, epoch: l.epoch });
    }
    for (const { frame } of this.#o.outbox.entries()) {
      if (!refs.has(frame.taskId)) {
        refs.set(frame.taskId, { taskId: frame.taskId, epoch: frame.epoch });
      }
    }
    return [...refs.values()];
  }

  #onClose(code: number, reason: string): void {
    this.#session = false;
    this.#stopRenewals();
    if (code === CLOSE.drained && !this.#closing) {
      this.#log.info("drained by the hub: stopping", { reason });
      void this.close(0);
      return;
    }
    if (!this.#closing) {
      this.#log.warn("disconnected from the hub", { code, reason, heldLeases: this.#held.size });
    }
  }

  #onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case "welcome":
        this.#onWelcome(frame.leaseTtlMs);
        return;
      case "lease.grant":
        this.#grantsSeen++;
        this.stats.grants++;
        this.#onGrant(frame);
        return;
      case "lease.renewed":
        this.#ttlMs = frame.ttlMs;
        for (const r of frame.refused) {
          if (r.cancelled) this.#onRevoke(r.taskId, r.epoch, r.reason);
          else this.#loseLease(r.taskId, r.epoch, r.reason);
        }
        return;
      case "lease.revoke":
        this.#onRevoke(frame.taskId, frame.epoch, frame.reason);
        return;
      case "task.ack":
        void this.#onAck(frame.key, frame.outcome, frame.message).catch((error) =>
          this.#log.error("handling an acknowledgement failed", { key: frame.key, error })
        );
        return;
      case "error":
        this.#log.error("hub reported an error", { code: frame.code, message: frame.message });
        return;
    }
  }

  #onWelcome(ttlMs: number): void {
    this.#session = true;
    this.#ttlMs = ttlMs;
    this.#connection.healthy();
    this.#log.info("connected to the hub", {
      hubUrl: this.#connection.hubUrl,
      ttlMs,
      heldLeases: this.#held.size,
      outbox: this.#o.outbox.size,
    });
    this.#stopRenewals();
    this.#renewTimer = setInterval(() => this.#renew(), Math.max(20, Math.floor(ttlMs / 3)));
    // Redeliver what the hub has not acknowledged, in order; keys make repeats safe.
    for (const entry of this.#o.outbox.entries()) this.#connection.send(entry.frame);
    this.#sendCredit();
    this.#welcomed.resolve();
  }

  #renew(): void {
    if (!this.#session) return;
    this.#connection.send({ type: "lease.renew", leases: this.#leaseRefs() });
  }

  #stopRenewals(): void {
    if (this.#renewTimer !== null) clearInterval(this.#renewTimer);
    this.#renewTimer = null;
  }

  #sendCredit(): void {
    if (!this.#session) return;
    const free = this.#closing ? 0 : Math.max(0, this.#o.slots - this.#busy);
    this.#connection.send({ type: "lease.credit", free, grantsSeen: this.#grantsSeen });
  }

  #loseLease(taskId: string, epoch: number, reason: string): void {
    const lease = this.#held.get(taskId);
    if (!lease || lease.epoch !== epoch) return;
    if (
      this.#o.outbox.entries().some((e) => e.frame.taskId === taskId && e.frame.epoch === epoch)
    ) {
      // The result is already on its way; the hub's answer to it decides (a
      // completion it already accepted is acknowledged again by its key).
      this.#log.info("renewal refused while the result awaits acknowledgement", {
        taskId,
        epoch,
        reason,
      });
      return;
    }
    this.stats.leasesLost++;
    lease.lost = true;
    this.#log.warn("lease lost", { taskId, epoch, reason });
    if (!lease.controller.signal.aborted) {
      lease.controller.abort(new LeaseLostError(taskId, reason));
    }
    this.#held.delete(taskId);
  }

  #onGrant(grant: LeaseGrant): void {
    const members = [
      { taskId: grant.taskId, epoch: grant.epoch, attempt: grant.attempt, params: grant.params },
      ...(grant.batch ?? []),
    ];
    if (
      this.#closing || this.#busy >= this.#o.slots || members.some((m) => this.#held.has(m.taskId))
    ) {
      for (const m of members) {
        this.#release(m.taskId, m.epoch, this.#closing ? "worker shutting down" : "no free slot");
      }
      return;
    }
    // One controller for the whole batch: losing any member's lease stops all.
    const controller = new AbortController();
    const leases = members.map((m): HeldLease => ({
      taskId: m.taskId,
      epoch: m.epoch,
      kind: grant.kind,
      controller,
      lost: false,
    }));
    for (const lease of leases) this.#held.set(lease.taskId, lease);
    this.#busy++;
    const p = this.#work(grant, members, leases).finally(() => {
      this.#running.delete(p);
      this.#busy--;
      this.#sendCredit();
    });
    this.#running.add(p);
  }

  #release(taskId: string, epoch: number, reason: string): void {
    this.stats.released++;
    this.#connection.send({ type: "lease.release", taskId, epoch, reason });
  }

  async #work(
    grant: LeaseGrant,
    members: Array<{ taskId: string; epoch: number; attempt: number; params: unknown }>,
    leases: HeldLease[],
  ): Promise<void> {
    const log = this.#log.child({ taskId: grant.taskId, epoch: grant.epoch });
    const controller = leases[0]!.controller;
    const newKey = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
    const entries: OutboxEntry[] = [];
    const frameBase = (m: { taskId: string; epoch: number }) => ({
      taskId: m.taskId,
      epoch: m.epoch,
    });
    try {
      const family = this.#families.get(`${grant.family}@${grant.version}`);
      if (!family) {
        throw new PermanentError(
          `This worker does not run task family ${grant.family} version ${grant.version}`,
        );
      }
      const instances = members.map((m) => {
        const instance = family.parse(m.params);
        if (canonicalJson(instance.params) !== canonicalJson(m.params)) {
          throw new PermanentError(
            `Parameters of "${m.taskId}" change when this worker parses them ` +
              `(${canonicalJson(m.params)} became ${canonicalJson(instance.params)}): ` +
              "parameter schemas must be plain JSON in and out (no trim, toLowerCase, coerce or " +
              "stripped keys), or the hub and the worker compute different ids",
          );
        }
        if (instance.id !== m.taskId) {
          throw new PermanentError(
            `Task id mismatch: the hub leased "${m.taskId}" but this worker computes ` +
              `"${instance.id}" from the same parameters (is the family's code the same version?)`,
          );
        }
        return instance;
      });
      const options = {
        taskId: grant.taskId,
        epoch: grant.epoch,
        attempt: grant.attempt,
        signal: controller.signal,
        abort: (reason: unknown) => controller.abort(reason),
        log,
        doneDeps: new Set(grant.doneDeps ?? []),
        setStatus: (message: string) =>
          this.#connection.send({
            type: "task.status",
            ...frameBase(grant),
            message: String(message).slice(0, 2000),
          }),
        progress: (fraction: number) =>
          this.#connection.send({
            type: "task.status",
            ...frameBase(grant),
            progress: Math.min(1, Math.max(0, Number(fraction) || 0)),
          }),
      };
      if (grant.kind === "expand") {
        this.stats.expansions++;
        const nodes = await expandLocally(instances[0]!, {
          families: this.#families,
          labels: this.#o.labels,
          budget: this.#o.expandBudget,
          signal: controller.signal,
          rootPinnedByRun: grant.pinnedByRun,
        });
        const key = newKey("x");
        entries.push({
          key,
          frame: { type: "expand.result", ...frameBase(grant), key, nodes },
          staged: [],
        });
      } else if (family.options.batch) {
        // A batch family always runs through runBatch, even with one member.
        this.stats.runs++;
        log.info("batch started", {
          attempt: grant.attempt,
          members: members.map((m) => m.taskId),
        });
        const staged = await executeBatch(
          members.map((m, i) => ({ instance: instances[i]!, taskId: m.taskId, epoch: m.epoch })),
          options,
        );
        for (const m of members) {
          const key = newKey("c");
          const written = staged.get(m.taskId) ?? [];
          entries.push({
            key,
            frame: { type: "task.complete", ...frameBase(m), key },
            staged: written.map((x) => x.describe()),
          });
        }
      } else {
        this.stats.runs++;
        log.info("task started", { attempt: grant.attempt });
        try {
          const staged = await executeRun(instances[0]!, options);
          const key = newKey("c");
          entries.push({
            key,
            frame: { type: "task.complete", ...frameBase(grant), key },
            staged: staged.map((x) => x.describe()),
          });
        } catch (error) {
          if (!(error instanceof ParkRequest) || controller.signal.aborted) throw error;
          const nodes = await this.#parkNodes(instances[0]!, error.requirements, controller.signal);
          const key = newKey("p");
          entries.push({
            key,
            frame: { type: "task.park", ...frameBase(grant), key, nodes },
            staged: [],
          });
          log.info("task parked for dynamic requirements", {
            requirements: error.requirements.length,
          });
        }
      }
    } catch (error) {
      if (leases.some((l) => l.lost)) {
        log.warn("attempt abandoned: lease lost", { error });
        this.#dropBatch(leases, "another member of the batch lost its lease");
        return;
      }
      const wire = toWireError(error);
      log.warn("task attempt failed", { error: wire });
      for (const m of members) {
        const key = newKey("f");
        entries.push({
          key,
          frame: { type: "task.fail", ...frameBase(m), key, error: wire },
          staged: [],
        });
      }
    }
    if (leases.some((l) => l.lost)) {
      await Promise.all(
        entries.flatMap((e) => e.staged.map((d) => restoreStaged(d).discard().catch(() => {}))),
      );
      log.warn("result discarded: lease lost");
      this.#dropBatch(leases, "another member of the batch lost its lease");
      return;
    }
    for (const entry of entries) {
      this.#o.outbox.add(entry);
      const sent = this.#connection.send(entry.frame);
      log.info("result queued", { taskId: entry.frame.taskId, type: entry.frame.type, sent });
    }
  }

  /** Forgets every lease of an abandoned attempt, handing back the ones still live. */
  #dropBatch(leases: HeldLease[], reason: string): void {
    for (const lease of leases) {
      if (this.#held.get(lease.taskId) === lease) this.#held.delete(lease.taskId);
      if (!lease.lost) this.#release(lease.taskId, lease.epoch, reason);
    }
  }

  /** The park result: the task with its new requirements as deps, and their local expansion. */
  async #parkNodes(task: AnyTaskInstance, requirements: AnyTaskInstance[], signal: AbortSignal) {
    const nodes = new Map<string, ExpandNode>();
    nodes.set(task.id, {
      id: task.id,
      family: task.family.name,
      version: task.family.version,
      params: task.params,
      expanded: true,
      complete: false,
      external: false,
      deps: [...new Set(requirements.map((r) => r.id))],
    });
    for (const requirement of requirements) {
      if (nodes.has(requirement.id)) continue;
      for (
        const node of await expandLocally(requirement, {
          families: this.#families,
          labels: this.#o.labels,
          budget: this.#o.expandBudget,
          signal,
          rootMayBeForeign: true,
        })
      ) {
        if (!nodes.has(node.id)) nodes.set(node.id, node);
      }
    }
    return [...nodes.values()];
  }

  /** The hub took a lease back (cancellation): stop and publish nothing. */
  #onRevoke(taskId: string, epoch: number, reason: string): void {
    const lease = this.#held.get(taskId);
    if (!lease || lease.epoch !== epoch) return;
    lease.lost = true;
    this.#held.delete(taskId);
    this.#log.warn("lease revoked", { taskId, epoch, reason });
    if (!lease.controller.signal.aborted) {
      lease.controller.abort(new TaskCancelledError(taskId, reason));
    }
  }

  async #onAck(key: string, outcome: "accepted" | "stale", message: string): Promise<void> {
    const entry = this.#o.outbox.get(key);
    if (!entry) return;
    const { frame } = entry;
    const log = this.#log.child({ taskId: frame.taskId, epoch: frame.epoch });
    if (frame.type === "task.complete") {
      const staged = entry.staged.map(restoreStaged);
      if (outcome === "accepted") {
        // Published: make the outputs visible. Safe to repeat after a restart.
        await Promise.all(staged.map((s) => s.commit()));
        this.stats.published++;
        log.info("task published");
      } else {
        await Promise.all(staged.map((s) => s.discard()));
        this.stats.staleRefused++;
        log.warn("completion refused; staged output discarded", { reason: message });
      }
    } else if (frame.type === "task.fail") {
      this.stats.failuresReported++;
    }
    this.#o.outbox.remove(key);
    const lease = this.#held.get(frame.taskId);
    if (lease && lease.epoch === frame.epoch) this.#held.delete(frame.taskId);
    for (const wake of this.#ackWaiters) wake();
    this.#ackWaiters.clear();
  }
}

/** The descriptions of staged outputs, for tests. */
export type { StagedDescription };

/** A fresh worker id. */
export function newWorkerId(): string {
  return `w_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}
