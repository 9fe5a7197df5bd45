/**
 * What watches a hub in production, for the "instrumentation on" side of
 * the cost comparison: one client following every event over
 * `GET /api/events` and one scraper reading `/metrics` every second (as a
 * Prometheus with a 1 s scrape interval would; 15 s is usual).
 */

/** Counts of what the observer saw. */
export interface Observed {
  events: number;
  scrapes: number;
  scrapeBytes: number;
}

/** A running observer; `stop()` ends both loops and resolves with what they saw. */
export interface Observer {
  stop(): Promise<Observed>;
}

/** Starts following `url`'s events and scraping its metrics, as `token`. */
export function observeHub(url: string, token: string): Observer {
  const controller = new AbortController();
  const seen: Observed = { events: 0, scrapes: 0, scrapeBytes: 0 };
  const headers = { authorization: `Bearer ${token}` };
  // Aborting the fetch does not always end a read already waiting on the
  // body, so stop() also cancels the reader itself.
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  const follow = (async () => {
    const res = await fetch(`${url}/api/events`, { headers, signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`GET /api/events answered ${res.status}`);
    reader = res.body.getReader();
    const decoder = new TextDecoder();
    let rest = "";
    while (!controller.signal.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      const lines = (rest + decoder.decode(value, { stream: true })).split("\n");
      rest = lines.pop() ?? "";
      seen.events += lines.filter((line) => line.startsWith("id:")).length;
    }
  })().catch((error) => {
    if (!controller.signal.aborted) throw error;
  });
  const scrape = (async () => {
    while (!controller.signal.aborted) {
      const res = await fetch(`${url}/metrics`, { headers, signal: controller.signal });
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      seen.scrapeBytes += (await res.arrayBuffer()).byteLength;
      seen.scrapes++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })().catch((error) => {
    if (!controller.signal.aborted) throw error;
  });
  return {
    async stop() {
      controller.abort();
      await (reader as ReadableStreamDefaultReader<Uint8Array> | null)?.cancel().catch(() => {});
      await Promise.all([follow, scrape]);
      return seen;
    },
  };
}
