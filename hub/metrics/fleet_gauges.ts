/**
 * The fleet's gauges, set at scrape time from the workers connected to this
 * hub (sum them over hubs). Workers sit behind NATs and cannot be scraped,
 * so each reports a few figures with its renewals; they are exported per
 * worker (labels: its name and region, so bounded by the fleet) and their
 * series go when the worker leaves.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { WorkerLink } from "../core/worker_links.ts";
import { GaugeSnapshot, type LabelSet } from "./gauge_snapshot.ts";
import { workerRegion } from "./worker_region.ts";

/** Connected workers, slots, and each worker's own figures. */
export class FleetGauges {
  readonly #workers: GaugeSnapshot;
  readonly #slots: GaugeSnapshot;
  readonly #inUse: GaugeSnapshot;
  readonly #perWorker: Array<[GaugeSnapshot, (l: WorkerLink) => number | undefined]>;
  readonly #info: GaugeSnapshot;
  readonly #dropped: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    const gauge = (name: string, help: string, labelNames: string[], keepSeen: boolean) =>
      new GaugeSnapshot(new Gauge({ name, help, labelNames, registers }), { keepSeen });
    this.#workers = gauge(
      "drover_workers_connected",
      "Workers connected to this hub, by region label (none: no region) and state (ready, " +
        "cordoned, draining)",
      ["region", "state"],
      true,
    );
    this.#slots = gauge("drover_slots", "Slots of the workers connected to this hub", [
      "region",
    ], true);
    this.#inUse = gauge(
      "drover_slots_in_use",
      "Slots running or expanding a task, as the workers connected to this hub last reported",
      ["region"],
      true,
    );
    const worker = ["worker", "region"];
    const figure = (name: string, help: string, read: (l: WorkerLink) => number | undefined) =>
      [gauge(name, help, worker, false), read] as [GaugeSnapshot, typeof read];
    this.#perWorker = [
      figure(
        "drover_worker_slots_in_use",
        "Slots in use, as the worker last reported",
        (l) => l.figures?.slotsInUse,
      ),
      figure(
        "drover_worker_outbox_entries",
        "Completions and failures the worker has not had acknowledged yet",
        (l) => l.figures?.outbox,
      ),
      figure(
        "drover_worker_resident_memory_bytes",
        "Resident memory of the worker process",
        (l) => l.figures?.rssBytes,
      ),
      figure(
        "drover_worker_event_loop_delay_seconds",
        "Mean event-loop delay of the worker over its last renewal interval",
        (l) => l.figures && l.figures.eventLoopDelayMs / 1000,
      ),
      figure(
        "drover_worker_event_loop_delay_max_seconds",
        "Largest event-loop delay of the worker over its last renewal interval",
        (l) => l.figures && l.figures.eventLoopDelayMaxMs / 1000,
      ),
    ];
    this.#info = new GaugeSnapshot(
      new Gauge({
        name: "drover_worker_info",
        help: "Always 1 for each worker connected to this hub; version is its Drover version",
        labelNames: ["worker", "region", "version"],
        registers,
      }),
      { keepSeen: false },
    );
    this.#dropped = new Counter({
      name: "drover_worker_log_lines_dropped_total",
      help:
        "Task log lines the worker dropped since it started (buffer full, attempt over its cap)",
      labelNames: worker,
      registers,
    });
  }

  /** Sets every gauge from the links connected now. */
  update(links: readonly WorkerLink[]): void {
    const byRegion = links.map((l) => ({ l, region: workerRegion(l.labels.region) }));
    this.#workers.update(byRegion.map(({ l, region }) => [{ region, state: stateOf(l) }, 1]));
    this.#slots.update(byRegion.map(({ l, region }) => [{ region }, l.slots ?? 0]));
    this.#inUse.update(byRegion.map(({ l, region }) => [{ region }, inUse(l)]));
    const labels = (l: WorkerLink, region: string): LabelSet => ({ worker: l.name, region });
    for (const [snapshot, read] of this.#perWorker) {
      snapshot.update(byRegion.flatMap(({ l, region }) => {
        const value = read(l);
        return value === undefined ? [] : [[labels(l, region), value]];
      }));
    }
    this.#info.update(
      byRegion.map(({ l, region }) => [{ ...labels(l, region), version: l.version ?? "" }, 1]),
    );
    this.#dropped.reset();
    for (const { l, region } of byRegion) {
      if (l.figures) this.#dropped.inc(labels(l, region), l.figures.logLinesDropped);
    }
  }
}

function stateOf(link: WorkerLink): "ready" | "cordoned" | "draining" {
  return link.draining ? "draining" : link.cordoned ? "cordoned" : "ready";
}

/** What the worker last reported; before its first renewal, the hub's own count. */
function inUse(link: WorkerLink): number {
  if (link.figures) return link.figures.slotsInUse;
  return Math.max(0, (link.slots ?? 0) - link.free);
}
