/** `GET /api/events`: the live event stream, as Server-Sent Events. */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { EVENT_KINDS, type HubEvent, hubEventSchema } from "../../shared/api_schemas_events.ts";
import { parseKinds } from "../core/event_filter.ts";
import { KEEP_ALIVE } from "../core/event_subscription.ts";
import { RequestError } from "../core/request_error.ts";
import { READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

/** How long a client waits before it reconnects (the stream's `retry:` hint). */
export const EVENT_RETRY_MS = 2_000;

const EVENT_ID = /^\d{1,15}$/;

const eventsQuery = z.object({
  kind: z.string().max(1_000).optional().superRefine((text, ctx) => {
    if (text === undefined) return;
    try {
      parseKinds(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  }).describe(
    `Only these kinds, comma-separated: ${EVENT_KINDS.join(", ")}, or a prefix such as task.*`,
  ),
  run: z.string().min(1).max(200).optional().describe(
    "Only this run's events and those of the tasks in its graph (its root and everything " +
      "below it, as the graph grows)",
  ),
  task: z.string().min(1).max(200).optional().describe("Only this task's events"),
  after: z.string().regex(EVENT_ID, "must be an event id (digits)").optional().describe(
    "Start after this event id, for clients that cannot send Last-Event-ID (the header wins)",
  ),
});

/** The event stream. */
export function eventRoutes(api: ApiRouter): void {
  const { core, log } = api.deps;
  api.route({
    method: "get",
    path: "/api/events",
    tag: "events",
    summary: "Stream events",
    description: "Server-Sent Events: run and task state changes, lease expiries, workers " +
      "connecting, leaving and changing mode, families disabled, as every hub sharing the " +
      "database commits them. Each message has `id:` (increasing in commit order), " +
      "`event:` (the kind) and `data:` (the event as JSON). Without a start it begins with " +
      "what is committed after the response; with `Last-Event-ID` (or `after=`) it sends " +
      "the events after that id first, in order, then goes on live. When events after " +
      "that id were pruned (DROVER_EVENT_RETENTION), the first message is `event: gap`. " +
      "A comment line (`: ping`) is sent after 15 s of silence. A hub serves a bounded " +
      "number of streams at once (DROVER_EVENT_STREAMS): 503 beyond it.",
    allow: READ,
    query: eventsQuery,
    response: {
      status: 200,
      description: "An endless event stream; each message's data is one event",
      schema: hubEventSchema,
      mediaType: "text/event-stream",
    },
    errors: [404, 503],
  }, async (c, { query }) => {
    const header = lastEventId(c);
    const after = header ?? (query.after === undefined ? null : Number(query.after));
    const filter = {
      kinds: query.kind === undefined ? null : parseKinds(query.kind),
      runId: query.run ?? null,
      taskId: query.task ?? null,
    };
    const { subscription, gap } = await core.events.subscribe(filter, after);
    // Proxies that buffer answers (nginx) would hold the events back.
    c.header("X-Accel-Buffering", "no");
    return streamSSE(c, async (stream) => {
      // Its client left: stop reading. The hub stops: end the response even
      // if a write waits on a client that reads nothing.
      stream.onAbort(() => subscription.close());
      subscription.signal.addEventListener("abort", () => stream.abort(), { once: true });
      try {
        await stream.write(`retry: ${EVENT_RETRY_MS}\n\n`);
        if (gap) await stream.writeSSE({ event: "gap", data: JSON.stringify(gap) });
        // One write per page read: a busy hub commits thousands of events a
        // second, and a write per event costs more than the rest together.
        for await (const batch of subscription.batches()) {
          await stream.write(batch === KEEP_ALIVE ? ": ping\n\n" : batch.map(sseMessage).join(""));
        }
      } catch (error) {
        log.warn("event stream failed; its client resumes with Last-Event-ID", { error });
      } finally {
        subscription.close();
      }
    });
  });
}

/** The `Last-Event-ID` header as an id, null when absent or empty. */
function lastEventId(c: Context): number | null {
  const value = c.req.header("last-event-id")?.trim();
  if (value === undefined || value === "") return null;
  if (!EVENT_ID.test(value)) {
    throw new RequestError(
      400,
      "invalid_header",
      `Invalid header "Last-Event-ID": ${JSON.stringify(value.slice(0, 40))} is not an event id`,
      { field: "Last-Event-ID" },
    );
  }
  return Number(value);
}

/**
 * One event as an SSE message. JSON text has no line breaks and kinds are
 * dotted words, so neither can end a field early.
 */
function sseMessage(event: HubEvent): string {
  return `id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`;
}
