/**
 * The stream triggers' instruments: messages by outcome (counted as they are
 * handled), and each consumer's state and lag on this hub (read at scrape
 * time). A paused trigger has no consumer, so no series.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { TriggerStatus } from "../../shared/api_schemas_triggers.ts";
import type { TriggerOutcome } from "./hub_metrics.ts";
import { GaugeSnapshot } from "./gauge_snapshot.ts";

const OUTCOMES: readonly TriggerOutcome[] = ["run", "duplicate", "rejected", "retried"];

/** A trigger consumed on this hub, as the gauges read it. */
export interface ConsumedTrigger {
  name: string;
  status: TriggerStatus;
}

/** The triggers' counter and gauges. */
export class TriggerGauges {
  readonly #messages: Counter;
  readonly #seen = new Set<string>();
  readonly #pending: GaugeSnapshot;
  readonly #up: GaugeSnapshot;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#messages = new Counter({
      name: "drover_trigger_messages_total",
      help: "A stream trigger's messages this hub handled, by outcome: run (a run made), " +
        "duplicate (a redelivery found its run), rejected (for good), retried (sent back)",
      labelNames: ["trigger", "outcome"],
      registers,
    });
    this.#pending = new GaugeSnapshot(
      new Gauge({
        name: "drover_trigger_pending_messages",
        help: "Messages on a trigger's consumer not yet delivered (its lag), as this hub " +
          "last measured it",
        labelNames: ["trigger"],
        registers,
      }),
      { keepSeen: false },
    );
    this.#up = new GaugeSnapshot(
      new Gauge({
        name: "drover_trigger_up",
        help: "1 while this hub consumes a trigger that is not paused, 0 while its source fails",
        labelNames: ["trigger"],
        registers,
      }),
      { keepSeen: false },
    );
  }

  /** Counts `count` messages of `trigger` with `outcome`. */
  counted(trigger: string, outcome: TriggerOutcome, count: number): void {
    if (!this.#seen.has(trigger)) {
      this.#seen.add(trigger);
      for (const o of OUTCOMES) this.#messages.inc({ trigger, outcome: o }, 0);
    }
    if (count > 0) this.#messages.inc({ trigger, outcome }, count);
  }

  /** Rewrites the gauges from the consumers running now. */
  update(consumed: readonly ConsumedTrigger[]): void {
    this.#pending.update(
      consumed.filter((c) => c.status.pending !== null)
        .map((c) => [{ trigger: c.name }, c.status.pending!]),
    );
    this.#up.update(
      consumed.map((c) => [{ trigger: c.name }, c.status.state === "consuming" ? 1 : 0]),
    );
  }
}
