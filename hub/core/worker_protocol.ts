/**
 * What a worker's session asks of the hub, frame by frame: register on
 * hello, renew (the heartbeat), take credit, apply expansions and parks,
 * publish completions, record failures and hand-backs, store status. Each
 * is one write-queue operation around the matching database operation,
 * then whatever the dispatcher must hear (new work, new pins).
 */
import type { WireError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/log.ts";
import type {
  ExpandNode,
  HelloFrame,
  LeaseRef,
  TaskLogLine,
  WorkerFigures,
} from "../../shared/protocol.ts";
import { pinKey } from "../../shared/selector.ts";
import type { WriteQueue } from "../db/write_queue.ts";
import { familyOfTask } from "../metrics/family_of_task.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import { applyExpansion, type ExpansionResult } from "../ops/apply_expansion.ts";
import type { Completion, CompletionResult } from "../ops/complete_task.ts";
import { completeTasks } from "../ops/complete_tasks.ts";
import { failTask, type FailureResult } from "../ops/fail_task.ts";
import { markWorkerDisconnected } from "../ops/mark_worker_disconnected.ts";
import { parkTask } from "../ops/park_task.ts";
import { familyHash, registerFamilies } from "../ops/register_families.ts";
import { registerWorker } from "../ops/register_worker.ts";
import { releaseLease } from "../ops/release_lease.ts";
import { type RefusedRenewal, renewLeases } from "../ops/renew_leases.ts";
import { type StoredTaskLogs, storeTaskLogs } from "../ops/store_task_logs.ts";
import { storeTaskStatus } from "../ops/store_task_status.ts";
import {
  advertisedFamily,
  type CodeConflict,
  codeConflicts,
  describeConflict,
} from "../queries/code_conflicts.ts";
import type { HubCounters } from "./counters.ts";
import type { TokenUses } from "./token_uses.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { FamilyRegistry } from "./family_registry.ts";
import type { WorkerLink, WorkerLinks } from "./worker_links.ts";
import { countCompletion } from "./count_completion.ts";
import { WriteBatcher } from "./write_batcher.ts";

/** What the worker protocol needs. */
export interface WorkerProtocolDeps {
  queue: WriteQueue;
  registry: FamilyRegistry;
  links: WorkerLinks;
  dispatcher: Dispatcher;
  counters: HubCounters;
  metrics: HubMetrics;
  hubId: string;
  leaseTtlMs: number;
  now: () => number;
  random: () => number;
  log: Logger;
  /** True once the hub is stopping: a goodbye then writes nothing. */
  stopping: () => boolean;
  /** Where a worker token's use is noted (its hello, its renewals). */
  tokenUses: TokenUses;
  /** Most bytes of task log lines stored per attempt. Default 1 MiB. */
  taskLogMaxBytes?: number;
}

/** The hub's side of the worker protocol. */
export class WorkerProtocol {
  readonly #d: WorkerProtocolDeps;
  /** Completions arriving together are published together. */
  readonly #completions: WriteBatcher<Completion, CompletionResult>;
  /** The last log write of each task with one in flight. */
  readonly #logWrites = new Map<string, Promise<void>>();

  constructor(deps: WorkerProtocolDeps) {
    this.#d = deps;
    this.#completions = new WriteBatcher(deps.queue, completeTasks);
  }

  /**
   * Registers a worker's hello: its families, its row, and the leases it
   * still holds (renewed at once). Returns the renewals refused, and the
   * families it runs with code other connected workers run differently
   * (each of those workers on this hub is told at once; the caller tells
   * this one after its welcome).
   * @throws FamilyConflictError when a family it advertises has another parameter schema.
   */
  async hello(
    link: WorkerLink,
    hello: HelloFrame,
  ): Promise<{ refused: RefusedRenewal[]; conflicts: CodeConflict[] }> {
    const { queue, registry, links, dispatcher } = this.#d;
    const now = this.#d.now();
    const advertised = hello.families.map((f) => advertisedFamily(f, familyHash(f)));
    const registered = await queue.write(async (tx) => {
      await registerFamilies(tx, link.workerId, hello.families, now);
      return await registerWorker(tx, {
        hello,
        families: advertised,
        hubId: this.#d.hubId,
        now,
        ttlMs: this.#d.leaseTtlMs,
      });
    });
    registry.remember(hello.families);
    link.cordoned = registered.cordoned;
    link.draining = registered.draining;
    dispatcher.addPins(
      hello.families.flatMap((f) => registry.get(f.name, f.version)?.pin ?? []),
    );
    links.add(link);
    if (link.tokenId) this.#d.tokenUses.note(link.tokenId, null, now);
    this.#d.counters.renewalsRefused += registered.refused.length;
    this.#d.metrics.leasesRenewed(
      hello.leases.length - registered.refused.length,
      registered.refused.length,
    );
    return { refused: registered.refused, conflicts: await this.#conflictsOf(link, hello) };
  }

  /** The code conflicts `hello`'s families are in; the other sides on this hub are told. */
  async #conflictsOf(link: WorkerLink, hello: HelloFrame): Promise<CodeConflict[]> {
    if (!hello.families.some((f) => f.fingerprint)) return [];
    const all = await this.#d.queue.read((db) => codeConflicts(db));
    const mine = hello.families.flatMap((f) => all.get(`${f.name}@${f.version}`) ?? []);
    for (const conflict of mine) {
      const message = describeConflict(conflict);
      this.#d.log.warn("family code conflict", { family: conflict.family, message });
      for (const w of conflict.workers) {
        if (w.workerId === link.workerId) continue;
        this.#d.links.get(w.workerId)?.send({
          type: "error",
          code: "family_code_conflict",
          message,
        });
      }
    }
    return mine;
  }

  /** Forgets a worker's connection; its leases run on until they expire or are renewed. */
  async goodbye(link: WorkerLink): Promise<void> {
    if (!this.#d.links.remove(link) || this.#d.stopping()) return;
    const now = this.#d.now();
    await this.#d.queue.write((tx) => markWorkerDisconnected(tx, link.workerId, this.#d.hubId, now))
      .catch((error) => this.#d.log.warn("cannot mark worker disconnected", { error }));
  }

  /** Renews a worker's leases (the heartbeat), and keeps the figures it reported. */
  async renew(
    link: WorkerLink,
    leases: readonly LeaseRef[],
    figures?: WorkerFigures,
  ): Promise<RefusedRenewal[]> {
    const now = this.#d.now();
    if (figures) link.figures = figures;
    // Conditional updates of leased rows, which claims never touch: a renewal
    // may run beside other hubs' claims and renewals (see WriteQueue.write).
    const refused = await this.#d.queue.write(
      (tx) => renewLeases(tx, link.workerId, leases, now, this.#d.leaseTtlMs),
      { shared: true },
    );
    this.#d.counters.renewalsRefused += refused.length;
    this.#d.metrics.leasesRenewed(leases.length - refused.length, refused.length);
    if (link.tokenId) this.#d.tokenUses.note(link.tokenId, null, now);
    return refused;
  }

  /** A worker's credit: `free` slots and `prefetch` beyond them, after `grantsSeen` grants. */
  credit(link: WorkerLink, free: number, grantsSeen: number, prefetch = 0): void {
    this.#d.dispatcher.credit(link, free, grantsSeen, prefetch);
  }

  /** Applies an expansion result, or (`park`) a run's dynamic requirements. */
  async expand(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    nodes: readonly ExpandNode[],
    mode: "expand" | "expand-part" | "park" = "expand",
  ): Promise<ExpansionResult> {
    const { dispatcher, registry } = this.#d;
    const now = this.#d.now();
    const expansion = {
      taskId,
      epoch,
      workerId: link.workerId,
      nodes,
      now,
      families: registry.defaults,
      more: mode === "expand-part",
    };
    const result = await this.#d.queue.write((tx) =>
      mode === "park" ? parkTask(tx, expansion) : applyExpansion(tx, expansion)
    );
    if (result.failed) this.#d.metrics.tasksFailed(result.failed);
    // Pins computed by workers (per-task pins) are new to this hub's cache.
    if (result.pin !== undefined) dispatcher.addPins([result.pin]);
    dispatcher.addPins(nodes.flatMap((node) => node.pin ? [pinKey(node.pin)] : []));
    // A park frees a slot and may leave tasks ready after a backoff: always look again.
    if (result.readied > 0 || result.inserted > 0 || mode === "park") dispatcher.kick(true);
    return result;
  }

  /** Publishes a completed task. */
  async complete(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    key: string,
  ): Promise<CompletionResult> {
    // Lines sent before the result are stored before it (a log stream ends
    // at the final state): a completion may join a batch queued earlier.
    await this.#logWrites.get(taskId);
    const now = this.#d.now();
    const published = this.#completions.add({ taskId, epoch, key, workerId: link.workerId, now });
    // The next dispatch round's claims are queued behind this completion, so
    // they see what it readies or frees: in its transaction when they share
    // one, and a chain's next step is granted without a commit of its own.
    this.#d.dispatcher.kick(true);
    const result = await published;
    countCompletion(this.#d, () => familyOfTask(taskId, link.families), result, now);
    return result;
  }

  /** Records a failed attempt. */
  async fail(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    error: WireError,
  ): Promise<FailureResult> {
    const { registry } = this.#d;
    const now = this.#d.now();
    const result = await this.#d.queue.write((tx) =>
      failTask(
        tx,
        { taskId, epoch, workerId: link.workerId, error, now, random: this.#d.random },
        (name, version) => registry.get(name, version)?.options.disable,
      )
    );
    if (result.outcome === "accepted") this.#d.counters.failures++;
    if (result.task) {
      const { family, kind, attempt } = result.task;
      this.#d.metrics.attemptFailed(family, kind, result.state ?? "failed", attempt);
    }
    if (result.disabledUntil) {
      this.#d.log.warn("family disabled after too many failures", {
        taskId,
        until: new Date(result.disabledUntil).toISOString(),
      });
    }
    if (result.freedResources) this.#d.dispatcher.kick(true);
    return result;
  }

  /** Takes back a lease a worker returned. */
  async release(link: WorkerLink, taskId: string, epoch: number, reason: string): Promise<boolean> {
    const now = this.#d.now();
    const released = await this.#d.queue.write((tx) =>
      releaseLease(tx, taskId, epoch, reason, now, link.workerId)
    );
    if (released) this.#d.dispatcher.kick(true);
    return released;
  }

  /** Stores a task's status message and progress (only while its lease is current). */
  async status(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    message?: string,
    progress?: number,
  ): Promise<void> {
    const now = this.#d.now();
    await this.#d.queue.write((tx) =>
      storeTaskStatus(tx, { taskId, epoch, workerId: link.workerId, message, progress, now })
    );
  }

  /** Stores task log lines the worker shipped for its attempt at `epoch` (see storeTaskLogs). */
  logs(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    lines: readonly TaskLogLine[],
    dropped: number,
  ): Promise<StoredTaskLogs> {
    const maxBytes = this.#d.taskLogMaxBytes ?? 1_048_576;
    const batch = { taskId, epoch, workerId: link.workerId, lines, dropped, maxBytes };
    const stored = this.#d.queue.write((tx) => storeTaskLogs(tx, { ...batch, now: this.#d.now() }));
    const settled = stored.then(() => {}, () => {});
    this.#logWrites.set(taskId, settled);
    settled.then(() => {
      if (this.#logWrites.get(taskId) === settled) this.#logWrites.delete(taskId);
    });
    return stored;
  }
}
