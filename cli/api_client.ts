/**
 * A typed client for the hub's admin API, one method per endpoint. Every
 * failure becomes one of the errors in `errors.ts` (see `hub_request.ts`).
 */
import {
  type Family,
  type FamilyDetail,
  familyDetailSchema,
  familyListSchema,
  type RunCancelled,
  runCancelledSchema,
  type RunList,
  runListSchema,
  type RunRetried,
  runRetriedSchema,
  type RunStatus,
  runStatusSchema,
  type Submitted,
  submittedSchema,
  type Task,
  type TaskCancelled,
  taskCancelledSchema,
  type TaskDetail,
  taskDetailSchema,
  taskListSchema,
  type TaskMarkedDone,
  taskMarkedDoneSchema,
  type TaskRetried,
  taskRetriedSchema,
} from "../shared/api_schemas.ts";
import {
  type BackfillCreated,
  backfillCreatedSchema,
  type BackfillStatus,
  backfillStatusSchema,
} from "../shared/api_schemas_backfills.ts";
import {
  type Backup,
  backupSchema,
  type PrunePreviewAnswer,
  prunePreviewSchema,
  type PruneReportAnswer,
  pruneReportSchema,
} from "../shared/api_schemas_db.ts";
import {
  type AuditList,
  auditListSchema,
  type Pause,
  type PauseChanged,
  pauseChangedSchema,
  type PauseKind,
  pauseListSchema,
  type Resource,
  resourceListSchema,
  type ResourceSet,
  resourceSetSchema,
  type TokenCreated,
  tokenCreatedSchema,
  type TokenInfo,
  tokenListSchema,
  type TokenRevoked,
  tokenRevokedSchema,
  type TokenRole,
  type Worker,
  workerListSchema,
  type WorkerMode,
  workerModeSchema,
} from "../shared/api_schemas_admin.ts";
import { type TaskLogs, taskLogsSchema } from "../shared/api_schemas_logs.ts";
import type { Selector } from "../shared/selector.ts";
import type { RunState, TaskState } from "../shared/states.ts";
import { createHubRequest, type HubRequestOptions } from "./hub_request.ts";
import { createEventStreamOpener, type OpenEvents } from "./open_event_stream.ts";
import { createHubStream } from "./hub_stream.ts";
import { type TaskLogEvent, taskLogEvents } from "./task_log_events.ts";
import { query } from "./query_string.ts";
import { type AutomationClients, automationClients } from "./automation_clients.ts";

export type { TaskCancelled, TaskMarkedDone, TaskRetried };

/** Filters of `GET /api/tasks`. */
export interface TaskFilter {
  run?: string | null;
  state?: TaskState | null;
  family?: string | null;
  limit?: number | null;
}

/** Filters and paging of `GET /api/runs`. */
export interface RunFilter {
  state?: RunState | null;
  family?: string | null;
  limit?: number | null;
  cursor?: string | null;
}

/** Filters and paging of `GET /api/audit`. */
export interface AuditFilter {
  action?: string | null;
  /** A token id or name: who did it. */
  actor?: string | null;
  /** The run, task, worker, token, family or region acted on. */
  target?: string | null;
  limit?: number | null;
  cursor?: string | null;
}

/** Which lines of a task's log: one attempt's, after a line id, at most `limit`. */
export interface TaskLogPage {
  attempt?: number | null;
  after?: number | null;
  limit?: number | null;
}

/** The body of `POST /api/runs`. */
export interface RunRequest {
  family: string;
  params: Record<string, unknown>;
  version?: number;
  priority?: number;
  /** Pins the run's root task to workers whose labels match. */
  pin?: Selector;
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

/** The body of `POST /api/tokens`; `scope` is for worker tokens only. */
export interface TokenRequest {
  role: TokenRole;
  name?: string;
  scope?: Record<string, string>;
}

/** The admin API, one method per endpoint. */
export interface ApiClient extends AutomationClients {
  /** The hub's base URL. */
  readonly baseUrl: string;
  /** `GET /api/families/:name`. */
  getFamily(name: string): Promise<FamilyDetail>;
  /** `GET /api/families`. */
  listFamilies(): Promise<Family[]>;
  /** `POST /api/runs`. */
  submitRun(body: RunRequest): Promise<Submitted>;
  /** `POST /api/backfills`. */
  submitBackfill(body: BackfillRequest): Promise<BackfillCreated>;
  /** `GET /api/backfills/:id`. */
  getBackfill(backfillId: string): Promise<BackfillStatus>;
  /** `GET /api/runs/:id`. */
  getRun(runId: string): Promise<RunStatus>;
  /** `GET /api/runs?state=&family=&limit=&cursor=`: one page, newest first. */
  listRuns(filter?: RunFilter): Promise<RunList>;
  /** `POST /api/runs/:id/retry`. */
  retryRun(runId: string): Promise<RunRetried>;
  /** `POST /api/runs/:id/cancel`. */
  cancelRun(runId: string, reason: string | null): Promise<RunCancelled>;
  /** `GET /api/tasks?run=&state=&family=&limit=`. */
  listTasks(filter: TaskFilter): Promise<Task[]>;
  /** `GET /api/tasks/:id`. */
  getTask(taskId: string): Promise<TaskDetail>;
  /** `POST /api/tasks/:id/retry`. */
  retryTask(taskId: string): Promise<TaskRetried>;
  /** `GET /api/tasks/:id/logs?attempt=&after=&limit=`: a page of the task's log. */
  getTaskLogs(taskId: string, page?: TaskLogPage): Promise<TaskLogs>;
  /**
   * `GET /api/tasks/:id/logs?follow=true`: the log's lines after `after` (sent
   * as `Last-Event-ID`), then new ones, until the task is over; one connection.
   */
  followTaskLogs(taskId: string, from?: TaskLogPage): AsyncGenerator<TaskLogEvent>;
  /** `POST /api/tasks/:id/cancel`. */
  cancelTask(taskId: string, reason: string | null): Promise<TaskCancelled>;
  /** `POST /api/tasks/:id/done`. */
  markTaskDone(taskId: string, reason: string): Promise<TaskMarkedDone>;
  /** `GET /api/workers`. */
  listWorkers(): Promise<Worker[]>;
  /** `POST /api/workers/:worker/{cordon,uncordon,drain}`; the hub takes an id or a name. */
  setWorkerMode(worker: string, mode: "cordon" | "uncordon" | "drain"): Promise<WorkerMode>;
  /** `POST /api/tokens`. */
  createToken(body: TokenRequest): Promise<TokenCreated>;
  /** `GET /api/tokens`. */
  listTokens(): Promise<TokenInfo[]>;
  /** `DELETE /api/tokens/:id`. */
  revokeToken(id: string): Promise<TokenRevoked>;
  /** `GET /api/pauses`. */
  listPauses(): Promise<Pause[]>;
  /** `PUT /api/pauses/:kind/:value`. */
  pause(kind: PauseKind, value: string, reason: string | null): Promise<PauseChanged>;
  /** `DELETE /api/pauses/:kind/:value`. */
  resume(kind: PauseKind, value: string): Promise<PauseChanged>;
  /** `GET /api/audit?action=&actor=&target=&limit=&cursor=`: one page, newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditList>;
  /** `GET /api/resources`. */
  listResources(): Promise<Resource[]>;
  /** `PUT /api/resources/:name`. */
  setResourceLimit(name: string, limit: number): Promise<ResourceSet>;
  /** `POST /api/db/backup`. */
  backup(path: string): Promise<Backup>;
  /** `GET /api/db/prune` (what retention would delete now), `POST /api/db/prune` (a pass now). */
  prunePreview(): Promise<PrunePreviewAnswer>;
  prune(): Promise<PruneReportAnswer>;
  /** `GET /api/events?run=&kind=` (Server-Sent Events), after `Last-Event-ID`. */
  openEvents: OpenEvents;
}

/** Options for {@link createApiClient}. */
export type ApiClientOptions = HubRequestOptions;

/** Creates a client for the hub at `options.baseUrl`. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const request = createHubRequest(options);
  const stream = createHubStream(options);
  const id = encodeURIComponent;
  const reasonBody = (reason: string | null) => (reason === null ? {} : { reason });
  return {
    baseUrl: options.baseUrl,
    getFamily: (name) => request("GET", `/api/families/${id(name)}`, familyDetailSchema),
    listFamilies: async () => (await request("GET", "/api/families", familyListSchema)).families,
    submitRun: (body) => request("POST", "/api/runs", submittedSchema, body),
    submitBackfill: (body) => request("POST", "/api/backfills", backfillCreatedSchema, body),
    getBackfill: (backfillId) =>
      request("GET", `/api/backfills/${id(backfillId)}`, backfillStatusSchema),
    getRun: (runId) => request("GET", `/api/runs/${id(runId)}`, runStatusSchema),
    listRuns: (filter = {}) =>
      request(
        "GET",
        `/api/runs${query(filter, ["state", "family", "limit", "cursor"])}`,
        runListSchema,
      ),
    retryRun: (runId) => request("POST", `/api/runs/${id(runId)}/retry`, runRetriedSchema),
    cancelRun: (runId, reason) =>
      request("POST", `/api/runs/${id(runId)}/cancel`, runCancelledSchema, reasonBody(reason)),
    listTasks: async (filter) =>
      (await request(
        "GET",
        `/api/tasks${query(filter, ["run", "state", "family", "limit"])}`,
        taskListSchema,
      )).tasks,
    getTask: (taskId) => request("GET", `/api/tasks/${id(taskId)}`, taskDetailSchema),
    retryTask: (taskId) => request("POST", `/api/tasks/${id(taskId)}/retry`, taskRetriedSchema),
    getTaskLogs: (taskId, page = {}) =>
      request(
        "GET",
        `/api/tasks/${id(taskId)}/logs${query(page, ["attempt", "after", "limit"])}`,
        taskLogsSchema,
      ),
    followTaskLogs: (taskId, from = {}) => {
      const path = `/api/tasks/${id(taskId)}/logs${
        query({ attempt: from.attempt, follow: true }, ["attempt", "follow"])
      }`;
      const resume = from.after ? { "last-event-id": String(from.after) } : undefined;
      return taskLogEvents(stream(path, resume));
    },
    cancelTask: (taskId, reason) =>
      request("POST", `/api/tasks/${id(taskId)}/cancel`, taskCancelledSchema, reasonBody(reason)),
    markTaskDone: (taskId, reason) =>
      request("POST", `/api/tasks/${id(taskId)}/done`, taskMarkedDoneSchema, { reason }),
    listWorkers: async () => (await request("GET", "/api/workers", workerListSchema)).workers,
    setWorkerMode: (worker, mode) =>
      request("POST", `/api/workers/${id(worker)}/${mode}`, workerModeSchema, {}),
    createToken: (body) => request("POST", "/api/tokens", tokenCreatedSchema, body),
    listTokens: async () => (await request("GET", "/api/tokens", tokenListSchema)).tokens,
    revokeToken: (tokenId) => request("DELETE", `/api/tokens/${id(tokenId)}`, tokenRevokedSchema),
    listPauses: async () => (await request("GET", "/api/pauses", pauseListSchema)).pauses,
    pause: (kind, value, reason) =>
      request("PUT", `/api/pauses/${kind}/${id(value)}`, pauseChangedSchema, reasonBody(reason)),
    resume: (kind, value) =>
      request("DELETE", `/api/pauses/${kind}/${id(value)}`, pauseChangedSchema),
    listAudit: (filter = {}) =>
      request(
        "GET",
        `/api/audit${query(filter, ["action", "actor", "target", "limit", "cursor"])}`,
        auditListSchema,
      ),
    listResources: async () =>
      (await request("GET", "/api/resources", resourceListSchema)).resources,
    setResourceLimit: (name, limit) =>
      request("PUT", `/api/resources/${id(name)}`, resourceSetSchema, { limit }),
    backup: (path) => request("POST", "/api/db/backup", backupSchema, { path }),
    prunePreview: () => request("GET", "/api/db/prune", prunePreviewSchema),
    prune: () => request("POST", "/api/db/prune", pruneReportSchema, {}),
    openEvents: createEventStreamOpener(options),
    ...automationClients(request),
  };
}
