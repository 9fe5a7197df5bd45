/**
 * Worker kills: at seeded intervals, SIGKILL an idle worker and restart it
 * at once under the same name and state directory (its successor replays
 * the outbox). The first kill waits for 10 % of the run at most.
 */
import { type ChaosContext, pause, pauseUntil } from "./chaos_context.ts";
import { seededRandom } from "./chaos_tasks.ts";

/** Kills and restarts workers until the chaos is over; resolves once every restart settled. */
export async function killWorkers(ctx: ChaosContext): Promise<void> {
  const random = seededRandom(ctx.settings.seed, 101);
  const restarts: Promise<void>[] = [];
  try {
    for (let k = 0;; k++) {
      const wait = Math.round(ctx.settings.workerKillEveryMs * (0.5 + random()));
      const r = random();
      if (!(await (k === 0 ? pauseUntil(ctx, wait, 0.1) : pause(ctx, wait)))) return;
      const idle = ctx.cluster.slots.filter((s) => !s.busy);
      if (idle.length === 0) continue;
      const slot = idle[Math.floor(r * idle.length)]!;
      slot.busy = "restarting";
      const old = slot.proc;
      old.kill("SIGKILL");
      await old.stop();
      ctx.tally.retire(old);
      ctx.workerKills++;
      ctx.say(`SIGKILL worker ${slot.name} (pid ${old.pid}); restarting it`);
      restarts.push(
        ctx.cluster.startWorker(slot).then(({ proc, spawnedAt }) => {
          slot.proc = proc;
          slot.spawnedAt = spawnedAt;
          slot.busy = false;
        }, (error) => {
          slot.busy = "dead";
          ctx.failures.push(`worker ${slot.name} could not be restarted: ${error.message}`);
        }),
      );
    }
  } finally {
    await Promise.all(restarts);
  }
}
