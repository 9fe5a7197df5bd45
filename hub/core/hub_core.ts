/**
 * The hub's service layer, behind one small facade: `workers` is what a
 * worker's session calls, `runs` and `fleet` what the API's routes call,
 * `read` runs a read model. It owns the write queue (one writer per hub,
 * group commit), the family registry, the links to connected workers, the
 * dispatcher and the timers. Every fact lives in the database; what is kept
 * here (links, credits, pins, cached families) can be lost with the process.
 */
import type { Backup } from "../db/backup.ts";
import { backupDatabase } from "./backup_database.ts";
import type { Logger } from "../../shared/log.ts";
import type { Database, Reader } from "../db/client.ts";
import { WriteQueue, type WriteQueueStats } from "../db/write_queue.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import { NO_METRICS } from "../metrics/no_metrics.ts";
import { PrometheusMetrics } from "../metrics/prometheus_metrics.ts";
import { recordTokenUses } from "../ops/record_token_uses.ts";
import { reapExpired } from "../ops/reap_expired.ts";
import { foldRunCounts } from "../ops/fold_run_counts.ts";
import { spillPins } from "../ops/spill_pins.ts";
import { removeHub, writeHubHeartbeat } from "../ops/write_hub_heartbeat.ts";
import { type HubCounters, newCounters } from "./counters.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EventFeed, type EventFeedDeps } from "./event_feed.ts";
import { FamilyRegistry } from "./family_registry.ts";
import { FleetCommands } from "./fleet_commands.ts";
import { Retention } from "./retention.ts";
import { RunCommands } from "./run_commands.ts";
import { ScheduleCommands } from "./schedule_commands.ts";
import { HookCommands } from "./hook_commands.ts";
import { TriggerCommands } from "./trigger_commands.ts";
import type { TriggerSource } from "../triggers/trigger_source.ts";
import { startTimers, type Timers } from "./timers.ts";
import { TokenUses } from "./token_uses.ts";
import { WorkerLinks } from "./worker_links.ts";
import { WorkerProtocol } from "./worker_protocol.ts";

/** What the core needs. */
export interface HubCoreDeps {
  database: Database;
  hubId: string;
  /** This hub's URL, for its heartbeat row (known once it listens). */
  hubUrl: () => string;
  leaseTtlMs: number;
  log: Logger;
  now?: () => number;
  random?: () => number;
  /** How often ready tasks are re-checked (backoff timers, other hubs' work). Default 500 ms. */
  dispatchIntervalMs?: number;
  /** How often expired leases are reaped; default a quarter of the TTL (50 ms to 5 s). */
  reapIntervalMs?: number;
  /** How often this hub's heartbeat row and the tokens' last use are written. Default 5 s. */
  heartbeatIntervalMs?: number;
  /**
   * How long events, task log lines, finished runs and audit entries are
   * kept (null: forever); defaults in `RETENTION_DEFAULTS`.
   */
  eventRetentionMs?: number;
  taskLogRetentionMs?: number;
  runRetentionMs?: number | null;
  auditRetentionMs?: number | null;
  /** How often retention runs (2 s of work at most each time). Default 1 minute. */
  pruneIntervalMs?: number;
  /** Measure for Prometheus (`DROVER_METRICS`). Default false: nothing is measured. */
  metrics?: boolean;
  /** The event streams' settings: most open at once, poll interval, keep-alive. */
  events?: Pick<EventFeedDeps, "maxStreams" | "pollMs" | "keepAliveMs">;
  /** Most bytes of task log lines stored per attempt. Default 1 MiB. */
  taskLogMaxBytes?: number;
  /** Makes a stream trigger's source; default: by its kind (`hub/triggers/open_source.ts`). */
  openTriggerSource?: (name: string, stored: string, clientName: string) => TriggerSource;
}

/** The hub's service layer. */
export class HubCore {
  readonly hubId: string;
  readonly leaseTtlMs: number;
  readonly now: () => number;
  readonly queue: WriteQueue;
  readonly registry = new FamilyRegistry();
  readonly counters: HubCounters = newCounters();
  /** What `/metrics` exports; does nothing when metrics are off. */
  readonly metrics: HubMetrics;
  readonly links: WorkerLinks;
  readonly dispatcher: Dispatcher;
  /** What a worker's session calls. */
  readonly workers: WorkerProtocol;
  /** Operator actions on runs and tasks. */
  readonly runs: RunCommands;
  /** Operator and admin actions on workers, pauses, resources, families and tokens. */
  readonly fleet: FleetCommands;
  /** Schedules, and the timer that fires them. */
  readonly schedules: ScheduleCommands;
  /** Webhooks. */
  readonly hooks: HookCommands;
  /** Stream triggers, and this hub's consumers of them. */
  readonly triggers: TriggerCommands;
  /** Token uses noted by authentication, written by a timer. */
  readonly tokenUses = new TokenUses();
  /** Tails the events table for `GET /api/events`. */
  readonly events: EventFeed;
  /** Deletes what is past its retention (a timer, and `POST /api/db/prune`). */
  readonly retention: Retention;
  readonly #d: HubCoreDeps;
  readonly #closing = new AbortController();
  #timers: Timers | null = null;
  #stopping = false;
  #unlisten: (() => void) | null = null;

  constructor(deps: HubCoreDeps) {
    this.#d = deps;
    this.hubId = deps.hubId;
    this.leaseTtlMs = deps.leaseTtlMs;
    this.now = deps.now ?? Date.now;
    const log = deps.log;
    const metrics = this.metrics = deps.metrics
      ? new PrometheusMetrics({
        read: (fn) => this.read(fn),
        links: () => this.links.all(),
        pendingWrites: () => this.queue.pending,
        triggers: () => this.triggers.statuses(),
        now: this.now,
      })
      : NO_METRICS;
    const queue = this.queue = new WriteQueue(deps.database, {
      onCommit: (ms, size) => metrics.committed(ms, size),
      onError: (error) => metrics.databaseError(error),
      onBusyRetry: () => metrics.busyRetry(),
      onUnavailable: (error, waitedMs) => {
        metrics.databaseError(error);
        log.warn("database unavailable: writes wait for it", {
          waitedMs: Math.round(waitedMs),
          error: (error as Error).message,
        });
      },
    });
    const registry = this.registry;
    const links = this.links = new WorkerLinks({ queue, log });
    const shared = { queue, registry, links, now: this.now, log, metrics };
    const dispatcher = this.dispatcher = new Dispatcher({
      ...shared,
      counters: this.counters,
      leaseTtlMs: deps.leaseTtlMs,
    });
    this.workers = new WorkerProtocol({
      ...shared,
      dispatcher,
      counters: this.counters,
      hubId: deps.hubId,
      leaseTtlMs: deps.leaseTtlMs,
      random: deps.random ?? Math.random,
      stopping: () => this.#stopping,
      tokenUses: this.tokenUses,
      taskLogMaxBytes: deps.taskLogMaxBytes,
    });
    this.runs = new RunCommands({ ...shared, dispatcher });
    this.fleet = new FleetCommands({ ...shared, dispatcher });
    this.schedules = new ScheduleCommands({ ...shared, dispatcher });
    this.hooks = new HookCommands({ ...shared, dispatcher });
    this.triggers = new TriggerCommands({
      ...shared,
      dispatcher,
      hubId: deps.hubId,
      openSource: deps.openTriggerSource,
    });
    const { database } = deps;
    this.events = new EventFeed({
      ...deps.events,
      read: (fn) => this.read(fn),
      horizon: database.eventHorizon && (() => database.eventHorizon!()),
      log,
    });
    queue.addCommitListener(() => this.events.kick());
    // Other hubs' events: at once where the database says so (PostgreSQL), else by polling.
    this.#unlisten = deps.database.onEvents?.(() => this.events.kick()) ?? null;
    const settings = Object.fromEntries(
      (["eventRetentionMs", "taskLogRetentionMs", "runRetentionMs", "auditRetentionMs"] as const)
        .filter((k) => deps[k] !== undefined).map((k) => [k, deps[k]]),
    );
    this.retention = new Retention({ queue, now: this.now, log, settings, metrics });
  }

  /** Aborts once the hub begins to close: long answers (log streams) end then. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** Ends long answers, which the HTTP server waits for before it can shut down. */
  beginClosing(): void {
    this.#closing.abort();
  }

  /** Runs a read model (on `:memory:`, behind queued writes). */
  read<T>(fn: (db: Reader) => Promise<T>): Promise<T> {
    return this.queue.read(fn);
  }

  /** Copies the database to `path` on this hub's machine (see `backup_database.ts`). */
  backup(path: string): Promise<Backup> {
    return backupDatabase(this.#d.database, path);
  }

  /** The write queue's figures and the counters. */
  stats(): { writeQueue: WriteQueueStats; counters: HubCounters } {
    return { writeQueue: { ...this.queue.stats }, counters: { ...this.counters } };
  }

  /** Loads the registry, writes the first heartbeat and starts the timers. */
  async start(): Promise<void> {
    await this.registry.reload(this.queue);
    await this.dispatcher.refreshPins();
    await this.#heartbeat();
    const ttl = this.leaseTtlMs;
    const dispatchMs = this.#d.dispatchIntervalMs ?? 500;
    this.#timers = startTimers([
      {
        what: "reaper",
        everyMs: this.#d.reapIntervalMs ?? Math.min(5_000, Math.max(50, Math.floor(ttl / 4))),
        run: () => this.reap(),
      },
      { what: "dispatch tick", everyMs: dispatchMs, run: () => this.#dispatchTick() },
      {
        what: "heartbeat",
        everyMs: this.#d.heartbeatIntervalMs ?? 5_000,
        run: () => this.#heartbeat(),
      },
      { what: "backfills", everyMs: dispatchMs, run: () => this.runs.advanceBackfills() },
      { what: "schedules", everyMs: dispatchMs, run: () => this.schedules.fireDue() },
      { what: "triggers", everyMs: dispatchMs, run: () => this.triggers.sync() },
      {
        what: "retention",
        everyMs: this.#d.pruneIntervalMs ?? 60_000,
        run: () => this.retention.prune(),
      },
    ], this.#d.log);
  }

  /** Stops the timers and the dispatcher, writes what is pending, removes this hub's row. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.beginClosing();
    this.#unlisten?.();
    await this.events.close();
    await this.#timers?.stop();
    await this.triggers.stop();
    await this.dispatcher.stop();
    await this.flushTokenUses().catch(() => {});
    await this.queue.write((tx) => removeHub(tx, this.hubId)).catch(() => {});
    await this.queue.close();
  }

  /** Returns expired leases to the queue; returns how many. */
  async reap(): Promise<number> {
    const now = this.now();
    const reaped = await this.queue.write(async (tx) => {
      const expired = await reapExpired(tx, now);
      await foldRunCounts(tx);
      return expired;
    });
    if (reaped.length === 0) return 0;
    this.counters.leasesExpired += reaped.length;
    this.metrics.leasesExpired(reaped.map((r) => ({ ...r, attempts: r.attempt })));
    for (const r of reaped) {
      this.#d.log.warn("lease expired", {
        taskId: r.id,
        epoch: r.epoch,
        workerId: r.owner,
        kind: r.kind,
        next: r.state,
      });
    }
    this.dispatcher.kick(true);
    return reaped.length;
  }

  async #dispatchTick(): Promise<void> {
    const now = this.now();
    this.dispatcher.addPins(await this.queue.write((tx) => spillPins(tx, now)));
    await this.dispatcher.refreshPins();
    this.dispatcher.force();
    await this.links.sync();
  }

  async #heartbeat(): Promise<void> {
    const beat = { id: this.hubId, url: this.#d.hubUrl(), now: this.now() };
    await this.queue.write((tx) => writeHubHeartbeat(tx, beat));
    this.metrics.heartbeat(beat.now);
    await this.flushTokenUses();
  }

  /** Writes the token uses noted since the last flush (the heartbeat timer calls it). */
  async flushTokenUses(): Promise<void> {
    const uses = this.tokenUses.take();
    if (uses.size > 0) await this.queue.write((tx) => recordTokenUses(tx, uses));
  }
}
