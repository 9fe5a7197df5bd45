/**
 * `DROVER_METRICS_LISTEN`: a second address that serves `GET /metrics` and
 * nothing else, without a token, for scrapers on a private network (bind it
 * to an address only they can reach).
 */
import type { Logger } from "../../shared/log.ts";
import type { HubMetrics } from "./hub_metrics.ts";

/** The metrics listener. */
export interface MetricsListener {
  readonly url: string;
  shutdown(): Promise<void>;
}

/** Serves `metrics` at `http://host:port/metrics`; resolves once it listens. */
export async function serveMetrics(
  listen: { host: string; port: number },
  metrics: HubMetrics,
  log: Logger,
): Promise<MetricsListener> {
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: listen.host,
    port: listen.port,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path !== "/metrics") return new Response("Only /metrics is served here\n", { status: 404 });
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("GET only\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    try {
      const { contentType, body } = await metrics.scrape();
      return new Response(body, { headers: { "content-type": contentType } });
    } catch (error) {
      log.error("metrics scrape failed", { error });
      return new Response("The hub could not read its metrics; see its log\n", { status: 500 });
    }
  });
  const addr = await listening.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return { url: `http://${host}:${addr.port}/metrics`, shutdown: () => server.shutdown() };
}
