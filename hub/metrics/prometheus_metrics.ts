/**
 * The hub's instruments on a `prom-client` registry of its own (no global
 * registry: two hubs in one process, as in tests, measure apart). Counters
 * and histograms are updated as the hub works; the gauges of the queue, the
 * fleet and the process are read when Prometheus scrapes.
 */
import { Registry } from "prom-client";
import { VERSION } from "../../shared/version.ts";
import type { WorkerLink } from "../core/worker_links.ts";
import type { Reader } from "../db/client.ts";
import { dbErrorKind } from "../db/db_error_kind.ts";
import type { LeaseKind } from "../db/schema.ts";
import { queueFigures } from "../queries/queue_figures.ts";
import { FleetGauges } from "./fleet_gauges.ts";
import { type HubInstruments, hubInstruments } from "./hub_instruments.ts";
import type {
  ExpiredMeasure,
  GrantMeasure,
  HubMetrics,
  PublishedMeasure,
  TriggerOutcome,
} from "./hub_metrics.ts";
import { ProcessGauges } from "./process_gauges.ts";
import { QueueGauges } from "./queue_gauges.ts";
import { GaugeSnapshot } from "./gauge_snapshot.ts";
import { schedulesBehind } from "../queries/schedule_figures.ts";
import { type ConsumedTrigger, TriggerGauges } from "./trigger_gauges.ts";
import {
  type Outcome,
  OUTCOMES,
  type TaskInstruments,
  taskInstruments,
} from "./task_instruments.ts";
import { workerRegion } from "./worker_region.ts";

/** Where the gauges read at scrape time come from. */
export interface MetricSources {
  /** Runs a read model. */
  read<T>(fn: (db: Reader) => Promise<T>): Promise<T>;
  /** The workers connected to this hub now. */
  links(): readonly WorkerLink[];
  /** Operations waiting for the next group commit. */
  pendingWrites(): number;
  /** The stream triggers this hub consumes, with their state and lag. */
  triggers(): readonly ConsumedTrigger[];
  now(): number;
}

const METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
const DB_ERROR_KINDS = [
  "busy",
  "locked",
  "constraint",
  "io",
  "connection",
  "conflict",
  "other",
] as const;
const PRUNED_KINDS = [
  "runs",
  "tasks",
  "attempts",
  "publications",
  "task_logs",
  "events",
  "audit",
  "backfills",
] as const;

/** The hub's instruments, exported in Prometheus' text format. */
export class PrometheusMetrics implements HubMetrics {
  readonly enabled = true;
  readonly #registry = new Registry();
  readonly #sources: MetricSources;
  readonly #t: TaskInstruments;
  readonly #h: HubInstruments;
  readonly #queue: QueueGauges;
  readonly #fleet: FleetGauges;
  readonly #process: ProcessGauges;
  readonly #pending: HubInstruments["writeQueuePending"];
  readonly #behind: GaugeSnapshot;
  readonly #triggers: TriggerGauges;
  /** Families whose outcome series exist (at 0 until they happen). */
  readonly #families = new Set<string>();

  constructor(sources: MetricSources) {
    this.#sources = sources;
    this.#t = taskInstruments(this.#registry);
    this.#h = hubInstruments(this.#registry);
    this.#queue = new QueueGauges(this.#registry);
    this.#fleet = new FleetGauges(this.#registry);
    this.#process = new ProcessGauges(this.#registry);
    this.#h.build.set({ version: VERSION, deno: Deno.version.deno }, 1);
    this.#pending = this.#h.writeQueuePending;
    this.#behind = new GaugeSnapshot(this.#h.scheduleBehind, { keepSeen: false });
    this.#triggers = new TriggerGauges(this.#registry);
    // Series that exist from the start read 0 rather than nothing, so that
    // rate() and increase() count their first increment.
    for (const kind of DB_ERROR_KINDS) this.#h.errors.inc({ kind }, 0);
    for (const kind of PRUNED_KINDS) this.#h.retentionDeleted.inc({ kind }, 0);
    for (const kind of ["run", "expand"]) {
      this.#t.grants.inc({ kind }, 0);
      this.#t.expiries.inc({ kind }, 0);
    }
  }

  leasesGranted(grants: readonly GrantMeasure[], region: string | undefined, now: number): void {
    const queued = this.#t.queued.labels({ region: workerRegion(region) });
    for (const g of grants) {
      this.#t.grants.inc({ kind: g.kind });
      queued.observe(Math.max(0, now - g.queuedAt) / 1000);
    }
  }

  leasesRenewed(renewed: number, refused: number): void {
    if (renewed > 0) this.#t.renewals.inc(renewed);
    if (refused > 0) this.#t.renewalsRefused.inc(refused);
  }

  taskPublished(task: PublishedMeasure): void {
    this.#outcome(task.family, "done");
    this.#t.duration.observe({ family: task.family }, Math.max(0, task.durationMs) / 1000);
    this.#t.attempts.observe({ family: task.family }, task.attempts);
  }

  duplicateCompletion(): void {
    this.#t.duplicates.inc();
  }

  completionRefused(family: string): void {
    this.#outcome(family, "refused_stale");
    this.#t.staleCompletions.inc();
  }

  attemptFailed(family: string, kind: LeaseKind, state: "ready" | "failed", attempts: number) {
    this.#outcome(family, state === "ready" ? "retried" : "failed");
    if (state === "failed" && kind === "run") this.#t.attempts.observe({ family }, attempts);
  }

  tasksFailed(families: readonly string[]): void {
    for (const family of families) this.#outcome(family, "failed");
  }

  leasesExpired(expired: readonly ExpiredMeasure[]): void {
    for (const e of expired) {
      this.#t.expiries.inc({ kind: e.kind });
      this.#outcome(e.family, "expired");
      if (e.state === "failed") {
        this.#outcome(e.family, "failed");
        if (e.kind === "run") this.#t.attempts.observe({ family: e.family }, e.attempts);
      }
    }
  }

  tasksCancelled(families: readonly string[]): void {
    for (const family of families) this.#outcome(family, "cancelled");
  }

  scheduleFired(schedule: string, lateMs: number): void {
    this.#h.scheduleFires.inc({ schedule });
    this.#h.scheduleLateness.observe({ schedule }, Math.max(0, lateMs) / 1000);
  }

  scheduleSkipped(schedule: string, reason: string, count: number): void {
    this.#h.scheduleSkips.inc({ schedule, reason }, count);
  }

  triggerMessages(trigger: string, outcome: TriggerOutcome, count: number): void {
    this.#triggers.counted(trigger, outcome, count);
  }

  committed(ms: number, operations: number): void {
    this.#h.commits.inc();
    this.#h.commitDuration.observe(ms / 1000);
    this.#h.commitOperations.observe(operations);
  }

  databaseError(error: unknown): void {
    const kind = dbErrorKind(error);
    if (kind) this.#h.errors.inc({ kind });
  }

  busyRetry(): void {
    this.#h.busyRetries.inc();
  }

  frameReceived(type: string): void {
    this.#h.framesIn.inc({ type });
  }

  frameSent(type: string): void {
    this.#h.framesOut.inc({ type });
  }

  httpRequest(method: string, route: string, status: number): void {
    const m = method.toUpperCase();
    this.#h.http.inc({ method: METHODS.has(m) ? m : "OTHER", route, status: String(status) });
  }

  pruned(deleted: Readonly<Record<string, number>>, batchMs: readonly number[]): void {
    for (const [kind, n] of Object.entries(deleted)) {
      if (n > 0) this.#h.retentionDeleted.inc({ kind }, n);
    }
    for (const ms of batchMs) this.#h.retentionBatch.observe(ms / 1000);
  }

  heartbeat(at: number): void {
    this.#h.heartbeat.set(at / 1000);
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    const now = this.#sources.now();
    this.#queue.update(await this.#sources.read((db) => queueFigures(db, now)), now);
    const behind = await this.#sources.read((db) => schedulesBehind(db, now));
    this.#behind.update(behind.map(([schedule, s]) => [{ schedule }, s]));
    this.#fleet.update(this.#sources.links());
    this.#triggers.update(this.#sources.triggers());
    this.#process.update();
    this.#pending.set(this.#sources.pendingWrites());
    return { contentType: this.#registry.contentType, body: await this.#registry.metrics() };
  }

  #outcome(family: string, outcome: Outcome): void {
    if (!this.#families.has(family)) {
      this.#families.add(family);
      for (const o of OUTCOMES) this.#t.outcomes.inc({ family, outcome: o }, 0);
    }
    this.#t.outcomes.inc({ family, outcome });
  }
}
