/**
 * Zombies: one worker cut off past its TTL without knowing it, either frozen
 * by SIGSTOP or with its links stalled (it runs on; its renewals and
 * completions reach the hub late, in order). Back, it must learn that it
 * lost its leases, and publish none of them. A stall ends as soon as another
 * worker starts again a task the stalled one held, so that its late
 * completion meets a newer epoch: the fencing of publications, not only of
 * renewals, is exercised, and a stall must show a completion refused as
 * stale.
 */
import { delay } from "../../shared/delay.ts";
import { PollTimeoutError, pollUntil } from "../../testing/poll_until.ts";
import type { LogLine, ProcessHandle } from "../../testing/process_handle.ts";
import type { WorkerSlot } from "./chaos_cluster.ts";
import { type ChaosContext, pauseUntil, settle, takeIdle, workerIdOf } from "./chaos_context.ts";
import type { Role } from "./log_tally.ts";

/** What a worker logs when a hub refuses a late completion. */
export const COMPLETION_REFUSED = "completion refused; staged output discarded";

/** Lines that end a task a worker held. */
const TASK_SETTLED = new Set([
  "task published",
  COMPLETION_REFUSED,
  "attempt abandoned: lease lost",
  "result discarded: lease lost",
  "lease lost",
  "lease revoked",
  "task attempt failed",
  "task parked for dynamic requirements",
]);

/** Lines that show a worker knew, once back, that it had lost a lease. */
const ZOMBIE_EVIDENCE = new Set([
  "lease lost",
  "attempt abandoned: lease lost",
  "result discarded: lease lost",
  COMPLETION_REFUSED,
]);

/**
 * One freeze or stall, at a seeded time or share of the run published. A
 * zombie that held no lease proves nothing: another worker is tried, up to
 * 3 times.
 */
export async function runZombie(
  ctx: ChaosContext,
  kind: "freeze" | "stall",
  at: { ms: number; share: number },
  random: () => number,
): Promise<void> {
  if (!(await pauseUntil(ctx, at.ms, at.share))) return;
  const reports = kind === "freeze" ? ctx.freezes : ctx.stalls;
  for (let tries = 1; tries <= 3 && !ctx.signal.aborted; tries++) {
    const slot = await takeIdle(ctx, random, kind);
    if (!slot) return;
    const proc = slot.proc;
    // Start right after it starts a task, so that it surely holds a lease.
    await settle(proc.next((l) => l.msg === "task started", 10_000, '"task started"'));
    const workerId = workerIdOf(slot);
    const refusedBefore = ctx.tally.of(proc, COMPLETION_REFUSED);
    const ttlMs = ctx.settings.ttlMs;
    const waitMs = 3 * ttlMs + Math.max(10_000, 5 * ttlMs);
    const isEvidence = (l: LogLine) => ZOMBIE_EVIDENCE.has(String(l.msg));
    const startedAt = Date.now();
    let evidence: Promise<LogLine | Error>;
    let endedBy: string;
    if (kind === "freeze") {
      proc.kill("SIGSTOP");
      ctx.say(`SIGSTOP ${slot.name} (pid ${proc.pid}) for ${2 * ttlMs} ms`);
      try {
        await delay(2 * ttlMs);
      } finally {
        evidence = settle(proc.next(isEvidence, waitMs));
        proc.kill("SIGCONT");
      }
      endedBy = "SIGCONT after 2 TTLs";
    } else {
      evidence = settle(proc.next(isEvidence, waitMs));
      endedBy = await stall(ctx, slot, startedAt);
    }
    const endedAt = Date.now();
    const line = await evidence;
    const seen = line instanceof Error ? null : String(line.msg);
    if (seen) await delay(ttlMs); // the rest of its refusals arrive by then
    const completionsRefused = ctx.tally.of(proc, COMPLETION_REFUSED) - refusedBefore;
    reports.push({
      worker: slot.name,
      workerId,
      since: slot.spawnedAt,
      forMs: endedAt - startedAt,
      startedAt,
      endedAt,
      endedBy,
      evidence: seen,
      completionsRefused,
      leasesExpired: 0, // counted in the database at the end
    });
    const what = seen ? `"${seen}"; completions refused: ${completionsRefused}` : "nothing lost";
    ctx.say(`${slot.name} back from its ${kind} (${endedBy}): ${what}`);
    slot.busy = false;
    if (seen && (kind === "freeze" || completionsRefused > 0)) return;
  }
}

/**
 * Holds every byte of the worker's links until another worker starts a task
 * it held (3 TTLs at most), then delivers them; resolves with what ended it.
 */
async function stall(ctx: ChaosContext, slot: WorkerSlot, startedAt: number): Promise<string> {
  const proc = slot.proc;
  const ttlMs = ctx.settings.ttlMs;
  const held = heldTasks(proc.lines);
  let rerun: string | null = null;
  const listen = (other: ProcessHandle, role: Role, l: LogLine) => {
    if (other !== proc && role === "worker" && l.msg === "task started") {
      if (held.has(String(l.taskId))) rerun ??= `${other.name} started ${l.taskId}`;
    }
  };
  ctx.tally.listeners.add(listen);
  ctx.say(`stall ${slot.name}'s links (${held.size} leases held)`);
  const stalls = slot.proxies.map((p) => p.stall(3 * ttlMs));
  try {
    await pollUntil(`a rerun of a task ${slot.name} held`, () => {
      ctx.tally.scanAll();
      return rerun ?? undefined;
    }, { timeoutMs: Math.max(0, startedAt + 3 * ttlMs - Date.now()), everyMs: 5 });
  } catch (error) {
    if (!(error instanceof PollTimeoutError)) throw error;
  } finally {
    ctx.tally.listeners.delete(listen);
    for (const p of slot.proxies) p.release();
    await Promise.all(stalls);
  }
  return rerun ?? "3 TTLs";
}

/** Tasks a worker started and has not yet published, failed, lost or handed back. */
function heldTasks(lines: readonly LogLine[]): Set<string> {
  const held = new Set<string>();
  for (const l of lines) {
    if (typeof l.taskId !== "string") continue;
    if (l.msg === "task started") held.add(l.taskId);
    else if (TASK_SETTLED.has(String(l.msg))) held.delete(l.taskId);
  }
  return held;
}
