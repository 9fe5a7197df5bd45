/**
 * The figures a worker reports with each renewal, for the hub to export
 * (workers sit behind NATs and cannot be scraped). Event-loop delay is
 * measured by a timer on the worker's clock that notes how late it fires;
 * it runs from the first `read()` (the session's first renewal) until
 * `stop()` (its renewals stop), and again from the next read.
 */
import type { WorkerFigures } from "../shared/protocol.ts";
import type { Clock } from "./clock.ts";
import type { WorkerStats } from "./worker_stats.ts";

/** How often the event loop is probed, ms. */
const PROBE_MS = 100;

/** Samples event-loop delay and reads the other figures on demand. */
export class FigureSampler {
  readonly #stats: WorkerStats;
  readonly #clock: () => Clock;
  #timer: unknown = null;
  #due = 0;
  #sum = 0;
  #count = 0;
  #max = 0;

  /** `clock` is read when probing starts (the session sets its own after its fields). */
  constructor(stats: WorkerStats, clock: () => Clock) {
    this.#stats = stats;
    this.#clock = clock;
  }

  /** Stops probing; the worker can exit. */
  stop(): void {
    if (this.#timer !== null) this.#clock().clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * The figures now; the event-loop delay is over the probes since the last
   * read (0 at the first). Starts probing if it was not.
   */
  read(slotsInUse: number, outbox: number): WorkerFigures {
    if (this.#timer === null) this.#schedule();
    const figures: WorkerFigures = {
      slotsInUse,
      outbox,
      rssBytes: Deno.memoryUsage().rss,
      eventLoopDelayMs: this.#count > 0 ? this.#sum / this.#count : 0,
      eventLoopDelayMaxMs: this.#max,
      logLinesDropped: this.#stats.logLinesDropped,
    };
    this.#sum = this.#count = this.#max = 0;
    return figures;
  }

  #schedule(): void {
    const clock = this.#clock();
    this.#due = clock.now() + PROBE_MS;
    this.#timer = clock.setTimeout(() => {
      const late = Math.max(0, clock.now() - this.#due);
      this.#sum += late;
      this.#count++;
      this.#max = Math.max(this.#max, late);
      this.#schedule();
    }, PROBE_MS);
  }
}
