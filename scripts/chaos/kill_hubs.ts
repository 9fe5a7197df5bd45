/**
 * Hub kills: at seeded intervals (the first by a seeded share of the run
 * published), SIGKILL a hub and bring it back on its port after
 * `hubRestartDelayMs`, up to `maxHubKills` times.
 */
import { delay } from "../../shared/delay.ts";
import { type ChaosContext, pause, pauseUntil } from "./chaos_context.ts";
import { seededRandom } from "./chaos_tasks.ts";

/** Kills and restarts hubs until the chaos is over or the kills are used up. */
export async function killHubs(ctx: ChaosContext): Promise<void> {
  const o = ctx.settings;
  const random = seededRandom(o.seed, 202);
  for (let k = 0; k < o.maxHubKills; k++) {
    const wait = Math.round(o.hubKillEveryMs * (0.5 + random()));
    const r = random();
    const share = 0.2 + 0.3 * random();
    if (!(await (k === 0 ? pauseUntil(ctx, wait, share) : pause(ctx, wait)))) return;
    const hubs = ctx.cluster.hubs;
    const hub = hubs[Math.floor(r * hubs.length)]!;
    hub.down = true;
    hub.proc.kill("SIGKILL");
    await hub.proc.stop();
    ctx.tally.retire(hub.proc);
    ctx.hubKills++;
    ctx.say(`SIGKILL ${hub.hubId} (pid ${hub.proc.pid}); back in ${o.hubRestartDelayMs} ms`);
    await delay(o.hubRestartDelayMs); // always brought back, even when the chaos is over
    hub.proc = await ctx.cluster.startHub(hub.hubId, hub.port);
    hub.down = false;
    ctx.say(`${hub.hubId} restarted on port ${hub.port}`);
  }
}
