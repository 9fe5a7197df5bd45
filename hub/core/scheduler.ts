/**
 * The scheduler: owns the write queue and the registry, pushes leases to
 * connected workers that have credit, reaps expired leases and keeps this
 * hub's heartbeat row. Every fact lives in the database; what is kept here
 * (sessions, credits, a cache of pins) can be lost with the process.
 */
import { markTaskDone } from "../ops/mark_task_done.ts";
import { pause, type PauseKind, resume } from "../ops/set_pause.ts";
import { type Retried, retryRunTasks, retryTasks } from "../ops/retry_tasks.ts";
import { sql } from "drizzle-orm";
import type { WireError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/log.ts";
import type { ExpandNode, HelloFrame, HubFrame, LeaseRef } from "../../shared/protocol.ts";
import { type Labels, matchesSelector, parsePinKey, pinKey } from "../../shared/selector.ts";
import type { Database } from "../db/client.ts";
import { WriteQueue } from "../db/write_queue.ts";
import { advanceBackfills } from "../ops/advance_backfills.ts";
import { applyExpansion, type ExpansionResult } from "../ops/apply_expansion.ts";
import { cancelTasks } from "../ops/cancel_tasks.ts";
import { claimTasks } from "../ops/claim_tasks.ts";
import { completeTask, type CompletionResult } from "../ops/complete_task.ts";
import { failTask, type FailureResult } from "../ops/fail_task.ts";
import { familyHash as familyHashOf, FamilyRegistry } from "./family_registry.ts";
import { reapExpired } from "../ops/reap_expired.ts";
import { releaseLease } from "../ops/release_lease.ts";
import { spillPins } from "../ops/spill_pins.ts";
import { revokedAmong } from "../ops/tokens.ts";
import { CLOSE } from "../../shared/protocol.ts";
import { type RefusedRenewal, renewLeases } from "../ops/renew_leases.ts";

/** A connected worker as the scheduler sees it. */
export interface WorkerLink {
  readonly workerId: string;
  readonly name: string;
  readonly labels: Labels;
  readonly families: readonly { name: string; version: number }[];
  /** Free slots the worker last reported, less the grants sent since. */
  free: number;
  /** Grants sent on this connection. */
  grantsSent: number;
  /** The last claim for this worker found less than it asked for… */
  starved?: boolean;
  /** …when the scheduler's ready sequence was this. */
  lastClaimSeq?: number;
  /** The worker token this connection authenticated with. */
  readonly tokenId?: string;
  /** Cordoned workers get no new leases. */
  cordoned?: boolean;
  /** Draining workers are disconnected for good once their leases are done. */
  draining?: boolean;
  /** Sends a frame; false when the socket is gone. */
  send(frame: HubFrame): boolean;
  /** Closes the connection. */
  close(code: number, reason: string): void;
}

/** Counters for metrics, benchmarks and the chaos suite. */
export interface SchedulerCounters {
  grants: number;
  renewalsRefused: number;
  leasesExpired: number;
  completionsAccepted: number;
  completionsStale: number;
  duplicateCompletions: number;
  failures: number;
}

/** What the scheduler needs. */
export interface SchedulerDeps {
  database: Database;
  hubId: string;
  hubUrl: string;
  leaseTtlMs: number;
  log: Logger;
  now?: () => number;
  random?: () => number;
  /** How often ready tasks are re-checked (backoff timers, other hubs' work). */
  dispatchIntervalMs?: number;
  /** How often expired leases are reaped; default a quarter of the TTL. */
  reapIntervalMs?: number;
  heartbeatIntervalMs?: number;
}

/** The hub's scheduler. */
export class Scheduler {
  readonly queue: WriteQueue;
  readonly registry = new FamilyRegistry();
  readonly counters: SchedulerCounters = {
    grants: 0,
    renewalsRefused: 0,
    leasesExpired: 0,
    completionsAccepted: 0,
    completionsStale: 0,
    duplicateCompletions: 0,
    failures: 0,
  };
  readonly hubId: string;
  readonly leaseTtlMs: number;
  readonly now: () => number;
  readonly #deps: SchedulerDeps;
  readonly #random: () => number;
  readonly #log: Logger;
  readonly #links = new Map<string, WorkerLink>();
  readonly #claiming = new Set<string>();
  #pins = new Set<string>([""]);
  #timers: ReturnType<typeof setInterval>[] = [];
  #dispatching: Promise<void> | null = null;
  #again = false;
  /** Bumped whenever this hub makes tasks claimable; starved workers wait for a bump. */
  #readySeq = 0;
  #forced = false;
  #stopped = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
    this.hubId = deps.hubId;
    this.leaseTtlMs = deps.leaseTtlMs;
    this.now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#log = deps.log;
    this.queue = new WriteQueue(deps.database);
  }

  /** Loads the registry and starts the timers. */
  async start(): Promise<void> {
    await this.queue.read((db) => this.registry.load(db));
    await this.#refreshPins();
    await this.#heartbeat();
    const every = (ms: number, fn: () => Promise<unknown>, what: string) => {
      this.#timers.push(setInterval(() => {
        if (this.#stopped) return;
        fn().catch((error) => this.#log.error(`${what} failed`, { error }));
      }, ms));
    };
    const reapMs = this.#deps.reapIntervalMs ??
      Math.min(5_000, Math.max(50, Math.floor(this.leaseTtlMs / 4)));
    every(reapMs, () => this.reap(), "reaper");
    every(this.#deps.dispatchIntervalMs ?? 500, async () => {
      const now = this.now();
      for (const pin of await this.queue.write((tx) => spillPins(tx, now))) this.#pins.add(pin);
      await this.#refreshPins();
      // Backoff timers running out and other hubs' work bump no sequence here.
      this.#forced = true;
      this.kick();
      await this.finishDrains();
    }, "dispatch tick");
    every(this.#deps.heartbeatIntervalMs ?? 5_000, () => this.#heartbeat(), "heartbeat");
    every(this.#deps.dispatchIntervalMs ?? 500, () => this.advanceBackfills(), "backfills");
  }

  /** Stops the timers and waits for queued writes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    while (this.#dispatching) await this.#dispatching;
    await this.queue.write((tx) => tx.run(sql`DELETE FROM hubs WHERE id = ${this.hubId}`))
      .catch(() => {});
    await this.queue.close();
  }

  /** Submits the next days of running backfills (also called right after one is created). */
  async advanceBackfills(): Promise<number> {
    const now = this.now();
    const submitted = await this.queue.write((tx) =>
      advanceBackfills(tx, this.registry.defaults, now)
    );
    if (submitted > 0) this.kick(true);
    return submitted;
  }

  /**
   * Cordons (no new leases), uncordons, or drains (cordon, then disconnect
   * for good once its leases are done) a worker, on whichever hub it is.
   * Returns false for an unknown worker.
   */
  async setWorkerMode(workerId: string, mode: "cordon" | "uncordon" | "drain"): Promise<boolean> {
    const cordoned = mode !== "uncordon";
    const draining = mode === "drain";
    const rows = await this.queue.write((tx) =>
      tx.all<{ id: string }>(sql`UPDATE workers SET cordoned = ${cordoned ? 1 : 0},
        draining = ${draining ? 1 : 0} WHERE id = ${workerId} RETURNING id`)
    );
    if (rows.length === 0) return false;
    const link = this.#links.get(workerId);
    if (link) {
      link.cordoned = cordoned;
      link.draining = draining;
      if (!cordoned) this.kick(true);
    }
    await this.finishDrains();
    return true;
  }

  /**
   * Picks up cordons and drains set through other hubs, and disconnects
   * draining workers whose leases are all done (close code `drained`: the
   * worker stops instead of reconnecting).
   */
  async finishDrains(): Promise<void> {
    const mine = this.links();
    if (mine.length === 0) return;
    // Tokens revoked through any hub close their sessions here too.
    const tokenIds = [...new Set(mine.flatMap((l) => (l.tokenId ? [l.tokenId] : [])))];
    for (const id of await this.queue.read((db) => revokedAmong(db, tokenIds))) {
      this.closeTokenSessions(id);
    }
    const ids = sql.join(mine.map((l) => sql`${l.workerId}`), sql`, `);
    const rows = await this.queue.read((db) =>
      db.all<{ id: string; cordoned: number; draining: number; leases: number }>(sql`
        SELECT w.id, w.cordoned, w.draining,
          (SELECT count(*) FROM tasks t WHERE t.state = 'leased' AND t.lease_owner = w.id) AS leases
        FROM workers w WHERE w.id IN (${ids})`)
    );
    for (const r of rows) {
      const link = this.#links.get(r.id);
      if (!link) continue;
      link.cordoned = Boolean(r.cordoned);
      link.draining = Boolean(r.draining);
      if (link.draining && r.leases === 0) {
        this.#log.info("worker drained", { workerId: r.id });
        link.close(CLOSE.drained, "worker drained: stop, do not reconnect");
      }
    }
  }

  /** Closes every session on this hub that authenticated with token `id` (revoked). */
  closeTokenSessions(id: string): number {
    let closed = 0;
    for (const link of this.links()) {
      if (link.tokenId !== id) continue;
      link.close(CLOSE.policy, "worker token revoked");
      closed++;
    }
    return closed;
  }

  /** Sets resource limits (from the hub's configuration). */
  async setResourceLimits(limits: Record<string, number>): Promise<void> {
    const entries = Object.entries(limits);
    if (entries.length === 0) return;
    const now = this.now();
    await this.queue.write(async (tx) => {
      for (const [name, limit] of entries) {
        await tx.run(
          sql`INSERT INTO resource_limits (name, "limit", updated_at) VALUES (${name}, ${limit}, ${now})
          ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", updated_at = excluded.updated_at`,
        );
      }
    });
  }

  /** Connected workers on this hub. */
  links(): WorkerLink[] {
    return [...this.#links.values()];
  }

  /**
   * Registers a worker's hello: its families, its row, and the leases it
   * still holds (renewed at once). Returns the renewals refused.
   */
  async hello(link: WorkerLink, hello: HelloFrame): Promise<RefusedRenewal[]> {
    const now = this.now();
    const advertised = JSON.stringify(
      hello.families.map((f) => f.name + "@" + f.version + "#" + familyHashOf(f)),
    );
    const refused = await this.queue.write(async (tx) => {
      await this.registry.register(tx, link.workerId, hello.families, now);
      await tx.run(sql`
        INSERT INTO workers (id, name, labels, version, slots, families, hub_id, state,
          connected_at, last_seen_at)
        VALUES (${link.workerId}, ${hello.name}, ${JSON.stringify(hello.labels)}, ${hello.version},
          ${hello.slots}, ${advertised}, ${this.hubId}, 'connected', ${now}, ${now})
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels,
          version = excluded.version, slots = excluded.slots, families = excluded.families,
          hub_id = excluded.hub_id, state = 'connected', connected_at = excluded.connected_at,
          last_seen_at = excluded.last_seen_at`);
      // Leases this worker holds but did not list are gone (grants lost in
      // flight, tasks of a killed predecessor with the same id): expire them
      // now so the reaper hands them out at once instead of after the TTL.
      const listed = hello.leases.map((l) => sql`${l.taskId}`);
      await tx.run(sql`
        UPDATE tasks SET lease_expires_at = ${now - 1}
        WHERE state = 'leased' AND lease_owner = ${link.workerId}
          ${listed.length > 0 ? sql`AND id NOT IN (${sql.join(listed, sql`, `)})` : sql``}`);
      return hello.leases.length > 0
        ? await renewLeases(tx, link.workerId, hello.leases, now, this.leaseTtlMs)
        : [];
    });
    const [flags] = await this.queue.read((db) =>
      db.all<{ cordoned: number; draining: number }>(
        sql`SELECT cordoned, draining FROM workers WHERE id = ${link.workerId}`,
      )
    );
    link.cordoned = Boolean(flags?.cordoned);
    link.draining = Boolean(flags?.draining);
    for (const f of hello.families) {
      const pin = this.registry.get(f.name, f.version)?.pin;
      if (pin !== undefined) this.#pins.add(pin);
    }
    const previous = this.#links.get(link.workerId);
    if (previous && previous !== link) {
      previous.close(CLOSE.replaced, "replaced by a newer connection");
    }
    this.#links.set(link.workerId, link);
    this.counters.renewalsRefused += refused.length;
    return refused;
  }

  /** Forgets a worker's connection; its leases run on until they expire or are renewed. */
  async goodbye(link: WorkerLink): Promise<void> {
    if (this.#links.get(link.workerId) !== link) return;
    this.#links.delete(link.workerId);
    if (this.#stopped) return;
    const now = this.now();
    await this.queue.write((tx) =>
      tx.run(sql`UPDATE workers SET state = 'disconnected', last_seen_at = ${now}
        WHERE id = ${link.workerId} AND hub_id = ${this.hubId}`)
    ).catch((error) => this.#log.warn("cannot mark worker disconnected", { error }));
  }

  /** Renews a worker's leases (the heartbeat). */
  async renew(link: WorkerLink, leases: readonly LeaseRef[]): Promise<RefusedRenewal[]> {
    const now = this.now();
    const refused = await this.queue.write(async (tx) => {
      await tx.run(sql`UPDATE workers SET last_seen_at = ${now} WHERE id = ${link.workerId}`);
      return leases.length > 0
        ? await renewLeases(tx, link.workerId, leases, now, this.leaseTtlMs)
        : [];
    });
    this.counters.renewalsRefused += refused.length;
    return refused;
  }

  /** Applies an expansion result, or (`park`) a run's dynamic requirements. */
  async expand(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    nodes: readonly ExpandNode[],
    mode: "expand" | "park" = "expand",
  ): Promise<ExpansionResult> {
    const now = this.now();
    const result = await this.queue.write((tx) =>
      applyExpansion(tx, {
        taskId,
        epoch,
        workerId: link.workerId,
        nodes,
        now,
        families: this.registry.defaults,
        mode,
      })
    );
    // Pins computed by workers (per-task pins) are new to this hub's cache.
    if (result.pin !== undefined) this.#pins.add(result.pin);
    for (const node of nodes) if (node.pin) this.#pins.add(pinKey(node.pin));
    // A park frees a slot and may leave tasks ready after a backoff: always look again.
    if (result.readied > 0 || result.inserted > 0 || mode === "park") this.kick(true);
    return result;
  }

  /**
   * Cancels tasks: they end as cancelled, what waits on them is blocked, and
   * workers on this hub running them are told at once (others learn at their
   * next renewal).
   */
  async cancel(ids: readonly string[], reason: string): Promise<{ cancelled: string[] }> {
    const now = this.now();
    const { cancelled, revoked } = await this.queue.write((tx) =>
      cancelTasks(tx, ids, reason, now)
    );
    for (const r of revoked) {
      this.#links.get(r.workerId)?.send({
        type: "lease.revoke",
        taskId: r.taskId,
        epoch: r.epoch,
        reason,
      });
    }
    if (revoked.length > 0) this.kick(true);
    return { cancelled };
  }

  /** Puts failed or cancelled tasks back in the queue; unblocks what they blocked. */
  async retry(ids: readonly string[]): Promise<Retried> {
    const now = this.now();
    const result = await this.queue.write((tx) => retryTasks(tx, ids, now));
    this.kick(true);
    return result;
  }

  /** Retries the failed and cancelled tasks of the run rooted at `rootTaskId`. */
  async retryRun(rootTaskId: string): Promise<Retried> {
    const now = this.now();
    const result = await this.queue.write((tx) => retryRunTasks(tx, rootTaskId, now));
    this.kick(true);
    return result;
  }

  /**
   * Marks a task done by hand; a worker running it is told to stop (its
   * epoch is fenced out). Undefined when the task does not exist.
   */
  async markDone(
    id: string,
    reason: string,
    actor: string | null = null,
  ): Promise<{ previous: string; readied: number } | undefined> {
    const now = this.now();
    const result = await this.queue.write((tx) => markTaskDone(tx, id, reason, actor, now));
    if (!result) return undefined;
    if (result.revoked) {
      this.#links.get(result.revoked.workerId)?.send({
        type: "lease.revoke",
        taskId: result.revoked.taskId,
        epoch: result.revoked.epoch,
        reason: `marked done: ${reason}`,
      });
    }
    if (result.previous !== "done") this.kick(true);
    return { previous: result.previous, readied: result.propagation.readied };
  }

  /** Pauses a family or a region; false when it already was. */
  async pause(
    kind: PauseKind,
    value: string,
    reason: string | null,
    createdBy: string | null,
  ): Promise<boolean> {
    const now = this.now();
    return await this.queue.write((tx) => pause(tx, kind, value, reason, createdBy, now));
  }

  /** Lifts a pause; false when there was none. */
  async resume(kind: PauseKind, value: string): Promise<boolean> {
    const removed = await this.queue.write((tx) => resume(tx, kind, value));
    if (removed) this.kick(true);
    return removed;
  }

  /** Publishes a completed task. */
  async complete(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    key: string,
  ): Promise<CompletionResult> {
    const now = this.now();
    const result = await this.queue.write((tx) =>
      completeTask(tx, { taskId, epoch, key, workerId: link.workerId, now })
    );
    if (result.outcome === "accepted") {
      if (result.repeat) this.counters.duplicateCompletions++;
      else this.counters.completionsAccepted++;
    } else {
      this.counters.completionsStale++;
    }
    if (result.readied > 0 || result.freedResources) this.kick(true);
    return result;
  }

  /** Records a failed attempt. */
  async fail(
    link: WorkerLink,
    taskId: string,
    epoch: number,
    error: WireError,
  ): Promise<FailureResult> {
    const now = this.now();
    const result = await this.queue.write((tx) =>
      failTask(
        tx,
        { taskId, epoch, workerId: link.workerId, error, now, random: this.#random },
        (name, version) => this.registry.get(name, version)?.options.disable,
      )
    );
    if (result.outcome === "accepted") this.counters.failures++;
    if (result.disabledUntil) {
      this.#log.warn("family disabled after too many failures", {
        taskId,
        until: new Date(result.disabledUntil).toISOString(),
      });
    }
    if (result.freedResources) this.kick(true);
    return result;
  }

  /** Takes back a lease a worker returned. */
  async release(link: WorkerLink, taskId: string, epoch: number, reason: string): Promise<boolean> {
    const now = this.now();
    const released = await this.queue.write((tx) =>
      releaseLease(tx, taskId, epoch, reason, now, link.workerId)
    );
    if (released) this.kick(true);
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
    const now = this.now();
    await this.queue.write((tx) =>
      tx.run(sql`UPDATE tasks SET
          status_message = coalesce(${message ?? null}, status_message),
          progress = coalesce(${progress ?? null}, progress), updated_at = ${now}
        WHERE id = ${taskId} AND state = 'leased' AND lease_epoch = ${epoch}
          AND lease_owner = ${link.workerId}`)
    );
  }

  /** A worker's credit: `free` slots after `grantsSeen` grants on this connection. */
  credit(link: WorkerLink, free: number, grantsSeen: number): void {
    link.free = Math.max(0, free - Math.max(0, link.grantsSent - grantsSeen));
    this.kick();
  }

  /** Returns expired leases to the queue. */
  async reap(): Promise<number> {
    const now = this.now();
    const reaped = await this.queue.write((tx) => reapExpired(tx, now));
    if (reaped.length > 0) {
      this.counters.leasesExpired += reaped.length;
      for (const r of reaped) {
        this.#log.warn("lease expired", {
          taskId: r.id,
          epoch: r.epoch,
          workerId: r.owner,
          kind: r.kind,
          next: r.state,
        });
      }
      this.kick(true);
    }
    return reaped.length;
  }

  /**
   * Asks for a dispatch round soon; rounds never overlap. `newWork` says
   * tasks became claimable, so workers whose last claim came back short are
   * worth asking again.
   */
  kick(newWork = false): void {
    if (this.#stopped) return;
    if (newWork) this.#readySeq++;
    if (this.#dispatching) {
      this.#again = true;
      return;
    }
    this.#dispatching = this.#dispatchLoop().finally(() => {
      this.#dispatching = null;
    });
  }

  async #dispatchLoop(): Promise<void> {
    do {
      this.#again = false;
      await Promise.resolve();
      const forced = this.#forced;
      this.#forced = false;
      const claims = this.links()
        .filter((l) =>
          l.free > 0 && !l.cordoned && !this.#claiming.has(l.workerId) &&
          (forced || !l.starved || l.lastClaimSeq !== this.#readySeq)
        )
        .map((l) => this.#grant(l));
      await Promise.all(claims);
    } while (this.#again && !this.#stopped);
  }

  async #grant(link: WorkerLink): Promise<void> {
    const pins = [...this.#pins].filter((p) => matchesSelector(link.labels, parsePinKey(p)));
    const limit = link.free;
    const seq = this.#readySeq;
    this.#claiming.add(link.workerId);
    try {
      const now = this.now();
      const batchSizes = new Map<string, number>();
      for (const f of link.families) {
        const size = this.registry.get(f.name, f.version)?.options.batch?.maxSize;
        if (size) batchSizes.set(`${f.name}@${f.version}`, size);
      }
      const claimed = await this.queue.write((tx) =>
        claimTasks(tx, {
          workerId: link.workerId,
          region: typeof link.labels.region === "string" ? link.labels.region : undefined,
          pins,
          families: link.families,
          batchSizes,
          limit,
          now,
          ttlMs: this.leaseTtlMs,
        })
      );
      link.starved = claimed.length < limit;
      link.lastClaimSeq = seq;
      for (const c of claimed) {
        const sent = this.#links.get(link.workerId) === link && link.send({
          type: "lease.grant",
          kind: c.kind,
          taskId: c.id,
          family: c.family,
          version: c.version,
          params: JSON.parse(c.params),
          attempt: c.attempt,
          epoch: c.epoch,
          ttlMs: this.leaseTtlMs,
          ...(c.batch?.length
            ? {
              batch: c.batch.map((m) => ({
                taskId: m.id,
                params: JSON.parse(m.params),
                attempt: m.attempt,
                epoch: m.epoch,
              })),
            }
            : {}),
          ...(c.doneDeps ? { doneDeps: c.doneDeps } : {}),
          ...(c.pinnedByRun ? { pinnedByRun: true } : {}),
        });
        if (sent) {
          link.free--;
          link.grantsSent++;
          this.counters.grants += 1 + (c.batch?.length ?? 0);
        } else {
          // The worker went away between claim and send: hand the leases back now
          // rather than after the TTL.
          for (const m of [c, ...(c.batch ?? [])]) {
            await this.release(
              link,
              m.id,
              m.epoch,
              "worker disconnected before the grant was sent",
            );
          }
        }
      }
    } catch (error) {
      this.#log.error("claim failed", { workerId: link.workerId, error });
    } finally {
      this.#claiming.delete(link.workerId);
    }
  }

  async #refreshPins(): Promise<void> {
    const rows = await this.queue.read((db) =>
      db.all<{ pin: string }>(sql`SELECT DISTINCT pin FROM tasks WHERE state = 'ready'`)
    );
    for (const r of rows) this.#pins.add(r.pin);
  }

  async #heartbeat(): Promise<void> {
    const now = this.now();
    await this.queue.write((tx) =>
      tx.run(sql`
        INSERT INTO hubs (id, url, started_at, heartbeat_at)
        VALUES (${this.hubId}, ${this.#deps.hubUrl}, ${now}, ${now})
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`)
    );
  }
}
