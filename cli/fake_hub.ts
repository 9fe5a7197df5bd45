/**
 * Test support: runs `drover` against a scripted hub, a stub `fetch` that
 * answers `"METHOD /path"` routes and records every request.
 */
import { createMemoryIo } from "./io.ts";
import { runCli } from "./run_cli.ts";

/** Answers one request; `body` is the parsed JSON body, if any. */
export type FakeRoute = (body: unknown, request: Request) => Response | Promise<Response>;

/** A request the fake hub received. */
export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/api/runs?state=failed`. */
  path: string;
  body: unknown;
  authorization: string | null;
}

/** What a run of `drover` did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  requests: SeenRequest[];
}

/** Options for {@link runAgainst}. */
export interface RunAgainstOptions {
  env?: Record<string, string | undefined>;
  stderrIsTerminal?: boolean;
  /** The terminal's width, for a progress line drawn on one. */
  columns?: number;
}

/**
 * Runs `argv` against routes keyed `"GET /api/runs"` (the path without its
 * query); an unknown route answers 404 as a problem (so `GET /api/events`
 * is a hub without the stream unless a test gives it). The clock starts at 0
 * and each poll pause advances it.
 */
export async function runAgainst(
  argv: string[],
  routes: Readonly<Record<string, FakeRoute>>,
  options: RunAgainstOptions = {},
): Promise<CliResult> {
  const requests: SeenRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const body = text === "" ? undefined : JSON.parse(text);
    requests.push({
      method: request.method,
      path: url.pathname + url.search,
      body,
      authorization: request.headers.get("authorization"),
    });
    const route = routes[`${request.method} ${url.pathname}`];
    if (route) return await route(body, request);
    return problem(404, "not_found", `No route for ${request.method} ${url.pathname}`);
  };
  const io = createMemoryIo({
    stderrIsTerminal: options.stderrIsTerminal,
    columns: options.columns,
  });
  let now = 0;
  const code = await runCli(argv, {
    env: options.env ?? { DROVER_URL: "http://hub.test" },
    io,
    fetch: fetch as typeof globalThis.fetch,
    now: () => now,
    // A pause lets other tasks run (an event stream's reader), as a real one does.
    sleep: (ms) => {
      now += ms;
      return new Promise((resolve) => setTimeout(resolve, 0));
    },
  });
  return { code, stdout: io.stdout, stderr: io.stderr, requests };
}

/** An `application/problem+json` answer, as the hub sends errors. */
export function problem(status: number, code: string, detail: string): Response {
  return new Response(
    JSON.stringify({ type: `urn:drover:problem:${code}`, title: "Error", status, detail, code }),
    { status, headers: { "content-type": "application/problem+json" } },
  );
}

/** Answers each of `bodies` in turn, then keeps answering the last. */
export function inTurn(...bodies: unknown[]): FakeRoute {
  let i = 0;
  return () => Response.json(bodies[Math.min(i++, bodies.length - 1)]);
}

/**
 * Routes for `GET /api/runs/{id}` and `GET /api/tasks/{id}` that answer
 * `found.run` and `found.task`, or the hub's not-found problem for either
 * left out: what `retry` and `cancel` ask to learn what `id` names.
 */
export function lookupRoutes(
  id: string,
  found: { run?: unknown; task?: unknown },
): Record<string, FakeRoute> {
  const path = encodeURIComponent(id);
  return {
    [`GET /api/runs/${path}`]: () =>
      found.run === undefined
        ? problem(404, "run_not_found", `Run "${id}" does not exist`)
        : Response.json(found.run),
    [`GET /api/tasks/${path}`]: () =>
      found.task === undefined
        ? problem(404, "task_not_found", `Task "${id}" does not exist`)
        : Response.json(found.task),
  };
}
