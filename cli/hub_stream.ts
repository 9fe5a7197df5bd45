/**
 * A Server-Sent Events request to the hub: the answer's events as they
 * arrive. Failures become the errors of `errors.ts` as in `hub_request.ts`:
 * no answer (or the connection lost mid-stream) is a
 * {@link HubUnreachableError}, an error status a {@link HubError}.
 */
import { HubUnreachableError } from "./errors.ts";
import { answerError, type HubRequestOptions } from "./hub_request.ts";
import { networkReason } from "./network_reason.ts";
import { readSse, type SseEvent } from "./read_sse.ts";

/** Opens `GET path` as an event stream (with extra `headers`) and yields its events. */
export type HubStream = (
  path: string,
  headers?: Record<string, string>,
) => AsyncGenerator<SseEvent>;

/** Creates the stream function of a client for the hub at `options.baseUrl`. */
export function createHubStream(options: HubRequestOptions): HubStream {
  const doFetch = options.fetch ?? fetch;
  const connectMs = options.timeoutMs ?? 30_000;
  const { baseUrl, token, tokenSource } = options;

  return async function* (path, extra = {}) {
    const headers: Record<string, string> = {
      accept: "text/event-stream, application/problem+json",
      ...extra,
    };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    // The timeout covers the answer's headers only: the stream itself may be quiet for long.
    const abort = new AbortController();
    const timer = connectMs > 0 ? setTimeout(() => abort.abort(timeoutError()), connectMs) : null;
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, { headers, signal: abort.signal });
    } catch (cause) {
      throw new HubUnreachableError(baseUrl, networkReason(cause, connectMs), { cause });
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
    if (res.status < 200 || res.status > 299 || !res.body) {
      const text = await res.text().catch(() => "");
      throw answerError(res.status, text, `GET ${path}`, tokenSource);
    }
    try {
      yield* readSse(res.body);
    } catch (cause) {
      throw new HubUnreachableError(baseUrl, `the stream broke off (${networkReason(cause, 0)})`, {
        cause,
      });
    } finally {
      abort.abort();
    }
  };
}

function timeoutError(): DOMException {
  return new DOMException("no answer in time", "TimeoutError");
}
