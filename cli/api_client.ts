/**
 * A typed client for the hub's admin API. Every failure becomes one of the
 * errors in `errors.ts`: {@link HubUnreachableError} when no answer came,
 * {@link HubError} when the answer was an error or unreadable.
 */
import type { z } from "zod";
import {
  type BackfillCreated,
  backfillCreatedSchema,
  type BackfillStatus,
  backfillStatusSchema,
  errorBodySchema,
  type Family,
  type FamilyDetail,
  familyDetailSchema,
  familyListSchema,
  runListSchema,
  type RunStatus,
  runStatusSchema,
  type Submitted,
  submittedSchema,
  type Task,
  type TaskDetail,
  taskDetailSchema,
  taskListSchema,
  type TokenCreated,
  tokenCreatedSchema,
  type TokenInfo,
  tokenListSchema,
  tokenRevokedSchema,
  type Worker,
  workerListSchema,
  type WorkerMode,
  workerModeSchema,
} from "./api_schemas.ts";
import type { TaskState } from "./args.ts";
import type { ClientConfig } from "./config.ts";
import { HubError, HubUnreachableError } from "./errors.ts";

/** Filters of `GET /api/tasks`. */
export interface TaskFilter {
  run?: string | null;
  state?: TaskState | null;
  family?: string | null;
  limit?: number | null;
}

/** The body of `POST /api/backfills`. */
export interface BackfillRequest {
  family: string;
  from: string;
  to: string;
  param?: string;
  params: Record<string, unknown>;
  maxConcurrent?: number;
  priority?: number;
  version?: number;
}

/** The admin API, one method per endpoint. */
export interface ApiClient {
  /** The hub's base URL. */
  readonly baseUrl: string;
  /** `GET /api/families/:name`. */
  getFamily(name: string): Promise<FamilyDetail>;
  /** `GET /api/families`. */
  listFamilies(): Promise<Family[]>;
  /** `POST /api/runs`. */
  submitRun(
    body: { family: string; params: Record<string, unknown>; version?: number; priority?: number },
  ): Promise<Submitted>;
  /** `POST /api/backfills`. */
  submitBackfill(body: BackfillRequest): Promise<BackfillCreated>;
  /** `GET /api/backfills/:id`. */
  getBackfill(backfillId: string): Promise<BackfillStatus>;
  /** `GET /api/runs/:id`. */
  getRun(runId: string): Promise<RunStatus>;
  /** `GET /api/runs?limit=`. */
  listRuns(limit?: number | null): Promise<RunStatus[]>;
  /** `GET /api/tasks?run=&state=&family=&limit=`. */
  listTasks(filter: TaskFilter): Promise<Task[]>;
  /** `GET /api/tasks/:id`. */
  getTask(taskId: string): Promise<TaskDetail>;
  /** `GET /api/workers`. */
  listWorkers(): Promise<Worker[]>;
  /** `POST /api/tokens`. */
  createToken(
    body: { role: string; scope: Record<string, string>; name?: string },
  ): Promise<TokenCreated>;
  /** `GET /api/tokens`. */
  listTokens(): Promise<TokenInfo[]>;
  /** `DELETE /api/tokens/:id`. */
  revokeToken(id: string): Promise<{ id: string; sessionsClosed: number }>;
  /** `POST /api/workers/:id/{cordon,uncordon,drain}`. */
  setWorkerMode(workerId: string, mode: "cordon" | "uncordon" | "drain"): Promise<WorkerMode>;
}

/** Options for {@link createApiClient}. */
export interface ApiClientOptions extends ClientConfig {
  /** Injected in tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** Give up on a request after this long; 0 waits forever. Default 30 s. */
  timeoutMs?: number;
}

/** Creates a client for the hub at `options.baseUrl`. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { baseUrl } = options;

  async function request<S extends z.ZodType>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (options.token !== null) headers.authorization = `Bearer ${options.token}`;
    let status: number;
    let text: string;
    try {
      const res = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
      });
      status = res.status;
      text = await res.text();
    } catch (cause) {
      throw new HubUnreachableError(baseUrl, networkReason(cause, timeoutMs), { cause });
    }
    const what = `${method} ${path}`;
    const json = parseJson(text);
    if (status < 200 || status > 299) {
      const error = errorBodySchema.safeParse(json);
      if (error.success) {
        const { code, message, field } = error.data.error;
        throw new HubError(status, code, message, { field });
      }
      throw new HubError(
        status,
        `http_${status}`,
        `The hub answered ${what} with HTTP ${status}: ${excerpt(text)}`,
      );
    }
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
  }

  return {
    baseUrl,
    getFamily: (name) =>
      request("GET", `/api/families/${encodeURIComponent(name)}`, familyDetailSchema),
    listFamilies: async () => (await request("GET", "/api/families", familyListSchema)).families,
    submitRun: (body) => request("POST", "/api/runs", submittedSchema, body),
    submitBackfill: (body) => request("POST", "/api/backfills", backfillCreatedSchema, body),
    getBackfill: (backfillId) =>
      request("GET", `/api/backfills/${encodeURIComponent(backfillId)}`, backfillStatusSchema),
    getRun: (runId) => request("GET", `/api/runs/${encodeURIComponent(runId)}`, runStatusSchema),
    listRuns: async (limit) => {
      const query = limit ? `?limit=${limit}` : "";
      return (await request("GET", `/api/runs${query}`, runListSchema)).runs;
    },
    listTasks: async (filter) => {
      const query = new URLSearchParams();
      for (const key of ["run", "state", "family", "limit"] as const) {
        const value = filter[key];
        if (value !== null && value !== undefined) query.set(key, String(value));
      }
      const search = query.size > 0 ? `?${query}` : "";
      return (await request("GET", `/api/tasks${search}`, taskListSchema)).tasks;
    },
    getTask: (taskId) =>
      request("GET", `/api/tasks/${encodeURIComponent(taskId)}`, taskDetailSchema),
    listWorkers: async () => (await request("GET", "/api/workers", workerListSchema)).workers,
    createToken: (body) => request("POST", "/api/tokens", tokenCreatedSchema, body),
    listTokens: async () => (await request("GET", "/api/tokens", tokenListSchema)).tokens,
    revokeToken: (id) =>
      request("DELETE", `/api/tokens/${encodeURIComponent(id)}`, tokenRevokedSchema),
    setWorkerMode: (workerId, mode) =>
      request("POST", `/api/workers/${encodeURIComponent(workerId)}/${mode}`, workerModeSchema, {}),
  };
}

/** Why a fetch got no answer, in a few words (`connection refused`, `host not found`). */
export function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 5; e = e.cause) {
    messages.push(e.message);
  }
  const text = messages.join(" ").toLowerCase();
  if (text.includes("connection refused")) return "connection refused";
  if (
    text.includes("dns error") || text.includes("failed to lookup address") ||
    text.includes("name or service not known")
  ) {
    return "host not found";
  }
  if (text.includes("connection reset")) return "connection reset";
  if (text.includes("timed out")) return "connection timed out";
  if (text.includes("certificate")) return "TLS certificate rejected";
  if (text.includes("corrupt message")) return "TLS handshake failed (does it speak plain HTTP?)";
  const blocked = text.match(/requests to port (\d+) are blocked/);
  if (blocked) return `fetch refuses port ${blocked[1]} (a reserved port); use another port`;
  // The innermost message is the most specific:
  // "error sending request for url (http://…): client error (Connect): …" → the part after the URL.
  const last = messages.at(-1) ?? String(error);
  return last
    .replace(/^error sending request for url \([^)]*\):\s*/i, "")
    .replace(/^client error \([^)]*\):\s*/i, "") || last;
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
