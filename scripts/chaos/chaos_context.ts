/**
 * What every chaos event works with: the settings, the cluster, the log
 * tally, the reports, and a signal that aborts once the run is over; and the
 * waits they share (a pause the end of the chaos cuts short, a pause until a
 * share of the run is published, an idle worker to pick).
 */
import { PollTimeoutError, pollUntil } from "../../testing/poll_until.ts";
import { delay } from "../../shared/delay.ts";
import type { ChaosCluster, WorkerSlot } from "./chaos_cluster.ts";
import type { ChaosSettings } from "./chaos_options.ts";
import type { CutReport, ZombieReport } from "./chaos_summary.ts";
import type { LogTally } from "./log_tally.ts";

/** The shared state of one chaos run. */
export interface ChaosContext {
  readonly settings: ChaosSettings;
  readonly cluster: ChaosCluster;
  readonly tally: LogTally;
  /** Aborted once the run is over: no new chaos starts. */
  readonly signal: AbortSignal;
  /** Every check that failed, in words. */
  readonly failures: string[];
  readonly cuts: CutReport[];
  readonly freezes: ZombieReport[];
  readonly stalls: ZombieReport[];
  workerKills: number;
  hubKills: number;
  /** Reports one chaos event (with the time since the start). */
  say(line: string): void;
}

/** Waits `ms`; false once the chaos is over. */
export function pause(ctx: ChaosContext, ms: number): Promise<boolean> {
  return delay(ms, ctx.signal).then(() => true, () => false);
}

/** Waits `ms`, or until `share` of the tasks are published; false once the chaos is over. */
export async function pauseUntil(ctx: ChaosContext, ms: number, share: number): Promise<boolean> {
  const published = () =>
    (ctx.tally.count("hub", "task published") - ctx.tally.duplicatesAbsorbed) /
    ctx.settings.tasks;
  try {
    await pollUntil(`${share} of the run published`, () => published() >= share || undefined, {
      timeoutMs: ms,
      everyMs: 50,
      signal: ctx.signal,
    });
  } catch (error) {
    if (!(error instanceof PollTimeoutError)) return false; // the chaos is over
  }
  return !ctx.signal.aborted;
}

/** A worker nobody else is doing something to, marked as taken; null once the chaos is over. */
export async function takeIdle(
  ctx: ChaosContext,
  random: () => number,
  why: "cut" | "freeze" | "stall",
): Promise<WorkerSlot | null> {
  while (!ctx.signal.aborted) {
    const idle = ctx.cluster.slots.filter((s) => !s.busy);
    const r = random();
    if (idle.length > 0) {
      const slot = idle[Math.floor(r * idle.length)]!;
      slot.busy = why;
      return slot;
    }
    await pause(ctx, 50);
  }
  return null;
}

/** A promise that never rejects: it resolves with the value or the error. */
export function settle<T>(p: Promise<T>): Promise<T | Error> {
  return p.catch((error) => error instanceof Error ? error : new Error(String(error)));
}

/** The id a worker process logs with (its first line that names one). */
export function workerIdOf(slot: WorkerSlot): string {
  return String(slot.proc.lines.find((l) => typeof l.workerId === "string")?.workerId);
}
