/**
 * Waits for a run to end, fetching its status when the hub's event stream
 * says something changed instead of polling: at most once per `throttleMs`
 * after events, and once per `safetyMs` without any (a stream that went
 * quiet by mistake costs a few seconds, never the wait). A dropped stream
 * is reopened after the last event id received, so no change is missed;
 * while it is down, and for good with a hub that has no stream (404, an
 * older hub) or refuses it, the status is polled every `pollMs` as before.
 */
import type { SseParser } from "../shared/sse_parser.ts";
import { delay } from "../shared/delay.ts";
import { HubError, HubUnreachableError } from "./errors.ts";
import type { EventStream } from "./open_event_stream.ts";

/** Options for {@link waitWithEvents}. */
export interface EventWaitOptions<T> {
  fetchStatus: () => Promise<T>;
  /** Called with every status fetched, the final one included; awaited. */
  onUpdate: (status: T) => void | Promise<void>;
  /** Called between fetches about every `throttleMs`, so a progress line's clock moves on. */
  onTick: () => void;
  /** Opens the stream after an event id (null: from now on). */
  openEvents: (lastEventId: string | null, signal: AbortSignal) => Promise<EventStream>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Pause between polls without a stream. */
  pollMs: number;
  /** At most one fetch this often after events. Default 250 ms. */
  throttleMs?: number;
  /** A fetch at least this often, events or not. Default 5 s. */
  safetyMs?: number;
  /** Waits before the `attempt`-th reopening in a row (rejects when `signal` aborts). */
  reconnectDelay?: (attempt: number, signal: AbortSignal) => Promise<void>;
}

/** What the listener tells the waiting loop. */
interface Live {
  /** An event came since the last fetch began. */
  dirty: boolean;
  /** No stream now: poll. */
  polling: boolean;
}

/** Resolves with the first status whose state is not `running`. */
export async function waitWithEvents<T extends { state: string }>(
  o: EventWaitOptions<T>,
): Promise<T> {
  const throttleMs = o.throttleMs ?? 250;
  const safetyMs = o.safetyMs ?? 5_000;
  const live: Live = { dirty: false, polling: false };
  const stop = new AbortController();
  // The first status is fetched once the stream is open (or known not to
  // be): what changes after that fetch began is then in the stream.
  const settled = Promise.withResolvers<void>();
  const listening = listen(o, live, stop.signal, settled.resolve);
  try {
    await settled.promise;
    for (;;) {
      live.dirty = false;
      const status = await o.fetchStatus();
      await o.onUpdate(status);
      if (status.state !== "running") return status;
      const fetchedAt = o.now();
      for (;;) {
        await o.sleep(live.polling ? o.pollMs : throttleMs);
        if (live.polling || live.dirty || o.now() - fetchedAt >= safetyMs) break;
        o.onTick();
      }
    }
  } finally {
    stop.abort();
    await listening;
  }
}

/** Keeps a stream open until `signal` aborts, marking `live` as events come. */
async function listen<T>(
  o: EventWaitOptions<T>,
  live: Live,
  signal: AbortSignal,
  settled: () => void,
): Promise<void> {
  const reconnectDelay = o.reconnectDelay ??
    ((attempt, s) => delay(Math.min(30_000, 1_000 * 2 ** attempt), s));
  let lastEventId: string | null = null;
  let attempt = 0;
  while (!signal.aborted) {
    let parser: SseParser | null = null;
    try {
      const stream = await o.openEvents(lastEventId, signal);
      parser = stream.parser;
      live.polling = false;
      attempt = 0;
      settled();
      for await (const _ of stream.messages) live.dirty = true;
    } catch (error) {
      if (signal.aborted) return;
      if (parser === null && !transient(error)) {
        // An older hub (404), or one that refuses the stream: poll, as before.
        live.polling = true;
        settled();
        return;
      }
    } finally {
      lastEventId = parser?.lastEventId || lastEventId;
    }
    // Ended by the hub (it stops) or dropped: poll until it is back.
    live.polling = true;
    live.dirty = true;
    settled();
    try {
      await reconnectDelay(attempt++, signal);
    } catch {
      return;
    }
  }
}

/** Whether a stream that could not be opened is worth opening again later. */
function transient(error: unknown): boolean {
  if (error instanceof HubUnreachableError) return true;
  return error instanceof HubError && error.status >= 500;
}
