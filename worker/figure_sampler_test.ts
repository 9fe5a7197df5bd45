import assert from "node:assert/strict";
import type { Clock } from "./clock.ts";
import { FigureSampler } from "./figure_sampler.ts";
import { newWorkerStats } from "./worker_stats.ts";

/** A clock whose one pending timer the test fires, as late as it says. */
class LateClock implements Clock {
  #now = 0;
  pending: { fn: () => void; at: number } | null = null;
  now = () => this.#now;
  setTimeout = (fn: () => void, ms: number) => {
    this.pending = { fn, at: this.#now + ms };
    return 1;
  };
  clearTimeout = () => {
    this.pending = null;
  };
  setInterval = () => {
    throw new Error("not used");
  };
  clearInterval = () => {};

  /** Runs the pending timer `lateMs` after it was due. */
  fire(lateMs: number): void {
    const timer = this.pending!;
    this.pending = null;
    this.#now = timer.at + lateMs;
    timer.fn();
  }
}

Deno.test("FigureSampler reports how late its probe fired since the last read, and stops with the session", () => {
  const clock = new LateClock();
  const stats = newWorkerStats();
  const sampler = new FigureSampler(stats, () => clock);
  stats.logLinesDropped = 3;
  const first = sampler.read(2, 1);
  assert.deepEqual({ ...first, rssBytes: 0 }, {
    slotsInUse: 2,
    outbox: 1,
    rssBytes: 0,
    eventLoopDelayMs: 0,
    eventLoopDelayMaxMs: 0,
    logLinesDropped: 3,
  });
  assert.ok(first.rssBytes > 0);
  assert.ok(clock.pending, "the first read starts the probe");
  clock.fire(30);
  clock.fire(60);
  const busy = sampler.read(0, 0);
  assert.equal(busy.eventLoopDelayMs, 45);
  assert.equal(busy.eventLoopDelayMaxMs, 60);
  const quiet = sampler.read(0, 0);
  assert.equal(quiet.eventLoopDelayMaxMs, 0, "each read starts a new window");
  sampler.stop();
  assert.equal(clock.pending, null, "no timer outlives the session's renewals");
});
