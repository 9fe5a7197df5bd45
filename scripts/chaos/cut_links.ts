/**
 * Link cuts: close every link of one worker for TTL/2 (shorter than its
 * leases), and see whether it comes back and keeps them.
 */
import { type ChaosContext, pauseUntil, settle, takeIdle, workerIdOf } from "./chaos_context.ts";
import { delay } from "../../shared/delay.ts";

/** One cut, at a seeded time or share of the run published, whichever comes first. */
export async function cutLinks(
  ctx: ChaosContext,
  at: { ms: number; share: number },
  random: () => number,
): Promise<void> {
  if (!(await pauseUntil(ctx, at.ms, at.share))) return;
  const slot = await takeIdle(ctx, random, "cut");
  if (!slot) return;
  const proc = slot.proc;
  const cutMs = Math.round(ctx.settings.ttlMs / 2);
  const workerId = workerIdOf(slot);
  const back = settle(
    proc.next((l) => l.msg === "connected to the hub", cutMs + 30_000, "a reconnection"),
  );
  const cutAt = Date.now();
  ctx.say(`cut ${slot.name}'s links for ${cutMs} ms`);
  await Promise.all(slot.proxies.map((p) => p.cut(cutMs)));
  const line = await back;
  const backAfterMs = line instanceof Error ? null : Date.now() - cutAt;
  ctx.cuts.push({
    worker: slot.name,
    workerId,
    since: slot.spawnedAt,
    cutMs,
    cutAt,
    backAfterMs,
    leasesExpired: 0, // counted in the database at the end
  });
  // Left alone a while longer, so that its leases counted for the cut (up to a
  // TTL after it is back) are not those of a kill that follows.
  await delay(ctx.settings.ttlMs);
  ctx.say(`${slot.name} back after ${backAfterMs} ms`);
  slot.busy = false;
}
