/**
 * `GET /metrics`: Prometheus' text format, for a token of any human role
 * (viewer, operator, admin). Prometheus sends one as a bearer token
 * (`authorization: { credentials_file: … }`), so metrics are never open by
 * accident; `DROVER_METRICS_LISTEN` serves them without a token on an
 * address of their own, for scrapers on a private network.
 */
import { z } from "zod";
import { RequestError } from "../core/request_error.ts";
import { READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

/** Mounts `GET /metrics`. */
export function metricsRoutes(api: ApiRouter): void {
  const { core } = api.deps;
  api.route({
    method: "get",
    path: "/metrics",
    tag: "metrics",
    summary: "Prometheus metrics",
    description: "Task outcomes and durations, queue depth per region, leases, the fleet, the " +
      "database, WebSocket frames and HTTP requests, in Prometheus' text format (0.0.4). 404 " +
      "when the hub runs with `DROVER_METRICS=off`.",
    allow: READ,
    response: {
      status: 200,
      description: "The metrics",
      schema: z.string(),
      mediaType: "text/plain",
    },
    errors: [404],
  }, async (c) => {
    if (!core.metrics.enabled) {
      throw new RequestError(
        404,
        "metrics_off",
        "This hub measures nothing: it runs with DROVER_METRICS=off",
      );
    }
    const { contentType, body } = await core.metrics.scrape();
    return c.body(body, 200, { "content-type": contentType });
  });
}
