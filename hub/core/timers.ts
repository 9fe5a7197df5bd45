/**
 * The hub's timers: reap expired leases, widen spilled pins and dispatch
 * again (backoffs that ran out, other hubs' work), pick up cordons, drains
 * and revocations set through other hubs, write this hub's heartbeat and
 * the tokens' last use, and submit the next days of backfills. Every hub
 * runs them all; each step is a conditional write, so hubs never collide.
 */
import type { Logger } from "../../shared/log.ts";

/** One timer: what it does, and how often. */
export interface Tick {
  what: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/** Running timers. */
export interface Timers {
  /** Stops every timer; resolves once the ticks in progress have ended. */
  stop(): Promise<void>;
}

/**
 * Starts `ticks`; a tick that fails is logged and tried again at its next
 * turn. Ticks of one timer never overlap: a slow tick skips turns.
 */
export function startTimers(ticks: readonly Tick[], log: Logger): Timers {
  let stopped = false;
  const running = new Map<Tick, Promise<void>>();
  const handles = ticks.map((tick) =>
    setInterval(() => {
      if (stopped || running.has(tick)) return;
      running.set(
        tick,
        tick.run()
          .then(() => {}, (error) => log.error(`${tick.what} failed`, { error }))
          .finally(() => running.delete(tick)),
      );
    }, tick.everyMs)
  );
  return {
    async stop() {
      stopped = true;
      for (const h of handles) clearInterval(h);
      await Promise.all(running.values());
    },
  };
}
