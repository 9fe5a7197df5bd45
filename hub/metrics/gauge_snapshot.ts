/**
 * A gauge whose series are replaced at each scrape by what was read then.
 * With `keepSeen`, a label set seen before and absent now reads 0 (a region
 * whose queue emptied); without it, the series is dropped (a worker that
 * left).
 */
import type { Gauge } from "prom-client";

/** Label values by label name. */
export type LabelSet = Record<string, string>;

/** One gauge's series, rewritten at each scrape. */
export class GaugeSnapshot {
  readonly #gauge: Gauge;
  readonly #seen: Map<string, LabelSet> | null;

  constructor(gauge: Gauge, options: { keepSeen: boolean }) {
    this.#gauge = gauge;
    this.#seen = options.keepSeen ? new Map() : null;
  }

  /** Replaces the series with `values` (the same label set twice: the values add up). */
  update(values: Iterable<[LabelSet, number]>): void {
    const next = new Map<string, [LabelSet, number]>();
    for (const [labels, value] of values) {
      const key = JSON.stringify(labels);
      next.set(key, [labels, (next.get(key)?.[1] ?? 0) + value]);
    }
    this.#gauge.reset();
    for (const [key, labels] of this.#seen ?? []) {
      if (!next.has(key)) this.#gauge.set(labels, 0);
    }
    for (const [key, [labels, value]] of next) {
      this.#gauge.set(labels, value);
      this.#seen?.set(key, labels);
    }
  }
}
