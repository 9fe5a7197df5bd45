/**
 * The one poller of tests, benchmarks and scripts: for a state the API or
 * the disk shows but no log line or event announces. Every wait is bounded.
 *
 * @module
 */
import { delay } from "../shared/delay.ts";

/** How long and how often {@link pollUntil} asks. */
export interface PollOptions {
  /** Give up after this long. Default 20 s. */
  timeoutMs?: number;
  /** Pause between two probes. Default 50 ms. */
  everyMs?: number;
  /** Stop waiting (rejecting with the signal's reason) once aborted. */
  signal?: AbortSignal;
}

/** Thrown by {@link pollUntil} when the state did not appear in time. */
export class PollTimeoutError extends Error {
  /** How long it waited. */
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = "PollTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Calls `probe` until it returns something other than undefined, and
 * resolves with that. A probe that throws ends the wait with its error (fail
 * fast, e.g. when a process it waits on has exited). `what` names the state
 * in the timeout's message; as a function it is read at the timeout, so it
 * can quote the last value seen.
 *
 * @throws PollTimeoutError after `timeoutMs`.
 */
export async function pollUntil<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined> | T | undefined,
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const everyMs = options.everyMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      throw new PollTimeoutError(typeof what === "string" ? what : what(), timeoutMs);
    }
    await delay(Math.min(everyMs, deadline - Date.now()), options.signal);
  }
}
