/**
 * A client of a hub's event stream for tests, benchmarks and scripts, as
 * `curl -N` would be: it keeps what arrives, in order, and lets the caller
 * wait for an event without sleeping.
 *
 * @module
 */
import type { EventGap, HubEvent } from "../shared/api_schemas_events.ts";
import { readSse, SseParser } from "../shared/sse_parser.ts";

/** An open stream and what it received so far. */
export interface EventTap extends AsyncDisposable {
  /** The events received, in order. */
  readonly events: HubEvent[];
  /** Gap notices received. */
  readonly gaps: EventGap[];
  /** Keep-alive comments received. */
  readonly pings: () => number;
  /** The last event id received (what `Last-Event-ID` resumes after). */
  readonly lastEventId: () => string;
  /** Resolves with the first event received that matches; rejects after `timeoutMs`. */
  waitFor(match: (e: HubEvent) => boolean, timeoutMs?: number, what?: string): Promise<HubEvent>;
  /** Resolves once the stream has ended (by the hub, a failure, or `close()`). */
  readonly ended: Promise<void>;
  /** Cuts the connection (as a client that goes away). */
  close(): Promise<void>;
}

/**
 * Opens `GET <url>/api/events?<query>` with `token` (and `Last-Event-ID`
 * when given); resolves once the hub answered 200, rejects with its status
 * and body otherwise.
 */
export async function tapEvents(
  url: string,
  token: string,
  options: { query?: string; lastEventId?: string } = {},
): Promise<EventTap> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
  const res = await fetch(`${url}/api/events${options.query ? `?${options.query}` : ""}`, {
    headers,
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) {
    throw new Error(`GET /api/events answered ${res.status}: ${await res.text()}`);
  }
  const parser = new SseParser();
  const events: HubEvent[] = [];
  const gaps: EventGap[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  let failure: unknown = null;
  const ended = (async () => {
    try {
      for await (const m of readSse(res.body!, parser)) {
        if (m.event === "gap") gaps.push(JSON.parse(m.data));
        else events.push(JSON.parse(m.data));
        for (const wake of waiters) wake();
      }
    } catch (error) {
      if (!abort.signal.aborted) failure = error;
    } finally {
      done = true;
      for (const wake of waiters) wake();
    }
  })();
  const close = async () => {
    abort.abort();
    await ended;
  };
  return {
    events,
    gaps,
    pings: () => parser.comments,
    lastEventId: () => parser.lastEventId,
    ended,
    close,
    [Symbol.asyncDispose]: close,
    waitFor(match, timeoutMs = 20_000, what = "an event") {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) finish(() => resolve(found));
          else if (done) {
            const why = failure === null ? "ended" : `failed (${failure})`;
            finish(() => reject(new Error(`the stream ${why} before ${what}`)));
          }
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}
