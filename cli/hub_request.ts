/**
 * One HTTP request to the hub, its answer checked against a zod schema.
 * Every failure becomes one of the errors in `errors.ts`:
 * {@link HubUnreachableError} when no answer came, {@link HubAuthError} for
 * 401 and 403, {@link HubError} for any other error or an unreadable answer.
 */
import type { z } from "zod";
import { problemOf } from "./problem_of.ts";
import type { ClientConfig } from "./config.ts";
import { HubAuthError, HubError, HubUnreachableError } from "./errors.ts";
import type { HubClock } from "./hub_clock.ts";
import { networkReason } from "./network_reason.ts";

/** The HTTP methods the admin API uses. */
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Sends one request and resolves with the parsed answer. */
export type HubRequest = <S extends z.ZodType>(
  method: Method,
  path: string,
  schema: S,
  body?: unknown,
) => Promise<z.output<S>>;

/** Options for {@link createHubRequest}. */
export interface HubRequestOptions extends ClientConfig {
  /** Injected in tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** Give up on a request after this long; 0 waits forever. Default 30 s. */
  timeoutMs?: number;
  /** Told the `Date` of every answer, to follow the hub's clock. */
  clock?: HubClock;
}

/** Creates the request function of a client for the hub at `options.baseUrl`. */
export function createHubRequest(options: HubRequestOptions): HubRequest {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { baseUrl, token, tokenSource, clock } = options;

  return async (method, path, schema, body) => {
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let status: number;
    let text: string;
    let date: string | null;
    const sentAt = clock?.localNow() ?? 0;
    try {
      const res = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
      });
      date = res.headers.get("date");
      status = res.status;
      text = await res.text();
    } catch (cause) {
      throw new HubUnreachableError(baseUrl, networkReason(cause, timeoutMs), { cause });
    }
    clock?.observe(sentAt, clock.localNow(), date);
    const what = `${method} ${path}`;
    const json = parseJson(text);
    if (status < 200 || status > 299) throw answerError(status, text, what, tokenSource);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `field "${issue.path.join(".")}"` : "the body";
      throw new HubError(
        status,
        "unexpected_response",
        json === undefined
          ? `The hub answered ${what} with a body that is not JSON: ${excerpt(text)}`
          : `The hub answered ${what} with an unexpected body: ${where}: ${
            issue?.message ?? "invalid"
          }`,
      );
    }
    return parsed.data;
  };
}

/**
 * The error for an answer with an error `status` and body `text` to the
 * request `what` (`GET /api/runs`): {@link HubAuthError} for 401 and 403,
 * else a {@link HubError} with the problem's code, or `http_<status>`.
 */
export function answerError(
  status: number,
  text: string,
  what: string,
  tokenSource: ClientConfig["tokenSource"],
): HubError {
  const problem = problemOf(parseJson(text));
  if (status === 401 || status === 403) {
    const code = problem?.code ?? (status === 401 ? "unauthorized" : "forbidden");
    const message = problem?.message ?? `HTTP ${status}: ${excerpt(text)}`;
    return new HubAuthError(status, code, message, tokenSource);
  }
  if (problem) return new HubError(status, problem.code, problem.message, { field: problem.field });
  return new HubError(
    status,
    `http_${status}`,
    `The hub answered ${what} with HTTP ${status}: ${excerpt(text)}`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "(empty body)";
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat);
}
