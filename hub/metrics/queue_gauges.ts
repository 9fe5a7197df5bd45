/**
 * The queue's gauges, set at scrape time from the database (the same
 * figures on every hub sharing it: aggregate them with `max`, not `sum`).
 */
import { Gauge, type Registry } from "prom-client";
import type { QueueFigures } from "../queries/queue_figures.ts";
import { GaugeSnapshot } from "./gauge_snapshot.ts";

/** Queue depth, oldest ready task, unschedulable tasks and disabled families. */
export class QueueGauges {
  readonly #tasks: GaugeSnapshot;
  readonly #oldest: GaugeSnapshot;
  readonly #unschedulable: GaugeSnapshot;
  readonly #disabled: GaugeSnapshot;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#tasks = new GaugeSnapshot(
      new Gauge({
        name: "drover_queue_tasks",
        help: "Tasks ready, leased or waiting for requirements, by the region their pin asks " +
          "for (any: no region asked) and family",
        labelNames: ["state", "region", "family"],
        registers,
      }),
      { keepSeen: true },
    );
    this.#oldest = new GaugeSnapshot(
      new Gauge({
        name: "drover_queue_oldest_ready_age_seconds",
        help: "How long the oldest claimable ready task of a region has waited (0: none waits)",
        labelNames: ["region"],
        registers,
      }),
      { keepSeen: true },
    );
    this.#unschedulable = new GaugeSnapshot(
      new Gauge({
        name: "drover_queue_unschedulable_tasks",
        help: "Ready tasks no connected worker can take, by cause (family_paused, no_worker, " +
          "all_cordoned, no_family_worker, no_matching_worker, region_paused) and region",
        labelNames: ["reason", "region"],
        registers,
      }),
      { keepSeen: true },
    );
    this.#disabled = new GaugeSnapshot(
      new Gauge({
        name: "drover_family_disabled",
        help: "1 while a version of the family is disabled after too many failures, else 0",
        labelNames: ["family"],
        registers,
      }),
      { keepSeen: true },
    );
  }

  /** Sets every gauge from figures read at `now`. */
  update(figures: QueueFigures, now: number): void {
    this.#tasks.update(
      figures.tasks.map((t) => [{ state: t.state, region: t.region, family: t.family }, t.n]),
    );
    this.#oldest.update(
      [...figures.oldestReadySince].map((
        [region, since],
      ) => [{ region }, Math.max(0, now - since) / 1000]),
    );
    this.#unschedulable.update(
      figures.unschedulable.map((u) => [{ reason: u.cause, region: u.region }, u.n]),
    );
    this.#disabled.update(figures.families.map((f) => [{ family: f.family }, f.disabled ? 1 : 0]));
  }
}
