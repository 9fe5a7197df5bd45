/**
 * The chaos schedule, all from one seed: worker kills, hub kills, link cuts,
 * freezes and stalls, run side by side until the run is over. The first
 * event of each kind fires at its seeded time or at its seeded share of the
 * run published, whichever comes first: a fast machine cannot finish the run
 * before the chaos has happened.
 */
import type { ChaosContext } from "./chaos_context.ts";
import { seededRandom } from "./chaos_tasks.ts";
import { cutLinks } from "./cut_links.ts";
import { killHubs } from "./kill_hubs.ts";
import { killWorkers } from "./kill_workers.ts";
import { runZombie } from "./zombie.ts";

/** Runs every chaos event; a step that throws is recorded as a failure. */
export async function runSchedule(ctx: ChaosContext): Promise<void> {
  const o = ctx.settings;
  const eventRandom = seededRandom(o.seed, 303);
  const eventAt = () => ({
    ms: Math.round(o.ttlMs + eventRandom() * Math.max(0, o.eventsWithinMs - o.ttlMs)),
    share: 0.1 + 0.4 * eventRandom(),
  });
  const steps: Promise<void>[] = [];
  if (o.workerKillEveryMs > 0) steps.push(killWorkers(ctx));
  if (o.hubKillEveryMs > 0 && o.maxHubKills > 0) steps.push(killHubs(ctx));
  for (let i = 0; i < o.cuts; i++) {
    steps.push(cutLinks(ctx, eventAt(), seededRandom(o.seed, 400 + i)));
  }
  for (let i = 0; i < o.freezes; i++) {
    steps.push(runZombie(ctx, "freeze", eventAt(), seededRandom(o.seed, 500 + i)));
  }
  for (let i = 0; i < o.stalls; i++) {
    steps.push(runZombie(ctx, "stall", eventAt(), seededRandom(o.seed, 600 + i)));
  }
  for (const r of await Promise.allSettled(steps)) {
    if (r.status === "rejected") {
      ctx.failures.push(`a chaos step failed: ${r.reason?.stack ?? r.reason}`);
    }
  }
}
