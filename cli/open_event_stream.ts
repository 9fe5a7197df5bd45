/**
 * Opens `GET /api/events` (Server-Sent Events) on the hub: the request
 * with the bearer token and `Last-Event-ID`, the messages read by the
 * shared SSE parser. Failures are the errors `hub_request.ts` throws, so a
 * caller tells an older hub (404) from a refusal or an unreachable hub.
 */
import { readSse, type SseMessage, SseParser } from "../shared/sse_parser.ts";
import { HubUnreachableError } from "./errors.ts";
import { answerError, type HubRequestOptions } from "./hub_request.ts";
import { networkReason } from "./network_reason.ts";

/** Which events to stream. */
export interface EventStreamFilter {
  /** A run: its own events and those of the tasks in its graph. */
  run?: string;
  /** Comma-separated kinds or prefixes (`run.*`). */
  kind?: string;
}

/** An open event stream. */
export interface EventStream {
  /** The messages as they come; ends when the hub ends the stream, throws when it drops. */
  messages: AsyncGenerator<SseMessage>;
  /** The last event id received (`parser.lastEventId`): resume after it. */
  parser: SseParser;
}

/**
 * Opens a stream of `filter`'s events after `lastEventId` (null: from now
 * on); resolves once the hub answered, which fixes where the stream starts.
 * `signal` ends it, at any time.
 */
export type OpenEvents = (
  filter: EventStreamFilter,
  lastEventId: string | null,
  signal: AbortSignal,
) => Promise<EventStream>;

/** Creates the stream opener of a client for the hub at `options.baseUrl`. */
export function createEventStreamOpener(options: HubRequestOptions): OpenEvents {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { baseUrl, token, tokenSource } = options;
  return async (filter, lastEventId, signal) => {
    const query = new URLSearchParams();
    if (filter.run !== undefined) query.set("run", filter.run);
    if (filter.kind !== undefined) query.set("kind", filter.kind);
    const path = `/api/events${query.size > 0 ? `?${query}` : ""}`;
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (lastEventId) headers["last-event-id"] = lastEventId;
    // The timeout bounds the wait for the answer only: the stream itself is
    // endless, and a fetch's signal governs its body too.
    const request = new AbortController();
    const stop = () => request.abort(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
    const timer = timeoutMs > 0
      ? setTimeout(() => request.abort(new DOMException("no answer", "TimeoutError")), timeoutMs)
      : undefined;
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, { headers, signal: request.signal });
    } catch (cause) {
      signal.removeEventListener("abort", stop);
      throw new HubUnreachableError(baseUrl, networkReason(cause, timeoutMs), { cause });
    } finally {
      clearTimeout(timer);
    }
    if (res.status !== 200 || !res.body) {
      signal.removeEventListener("abort", stop);
      const text = await res.text().catch(() => "");
      throw answerError(res.status, text, `GET ${path}`, tokenSource);
    }
    const parser = new SseParser();
    return { messages: readSse(res.body, parser, signal), parser };
  };
}
