/**
 * The shapes of the API's response bodies, for the OpenAPI description and
 * for the tests that check every response against it. Objects are loose:
 * fields may be added, never removed or retyped.
 */
import { z } from "zod";
import { TASK_STATES } from "../../shared/task_states.ts";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");
const labels = z.record(z.string(), z.string());
const json = z.unknown();

/** A run's tasks by outcome. */
export const runSummarySchema = z.looseObject({
  alreadyDone: z.int().describe("Done before the run was submitted"),
  completed: z.int().describe("Done since the run was submitted"),
  failed: z.int(),
  blocked: z.int().describe("Cannot run: a requirement failed or was cancelled"),
  cancelled: z.int(),
  pending: z.int().describe("Waiting, ready or leased"),
});

/** A run. */
export const runSchema = z.looseObject({
  runId: z.string(),
  rootTaskId: z.string(),
  family: z.string(),
  params: json,
  state: z.enum(["running", "done", "failed", "cancelled"]),
  createdAt: ms(),
  finishedAt: ms().nullable(),
  total: z.int(),
  counts: z.record(z.string(), z.int()).describe("Tasks per state"),
  failed: z.array(z.looseObject({ taskId: z.string(), error: json })),
  blocked: z.array(z.looseObject({ taskId: z.string(), blockedBy: z.string() })),
  summary: runSummarySchema,
});

/** A task. */
export const taskSchema = z.looseObject({
  id: z.string(),
  family: z.string(),
  version: z.int(),
  params: json,
  state: z.enum(TASK_STATES),
  next: z.enum(["expand", "run"]).describe("What its next lease does"),
  pin: z.record(z.string(), json),
  priority: z.int(),
  attempt: z.int(),
  maxAttempts: z.int(),
  lease: z.looseObject({ workerId: z.string().nullable(), epoch: z.int() }).nullable(),
  epoch: z.int().describe("Fencing epoch: bumped by every lease"),
  status: z.string().nullable(),
  lastError: json,
  blockedBy: z.string().nullable(),
  createdAt: ms(),
  finishedAt: ms().nullable(),
});

/** A task with its neighbours, attempts and publication. */
export const taskDetailSchema = taskSchema.extend({
  dependencies: z.array(z.looseObject({ id: z.string(), state: z.string() })),
  dependents: z.int(),
  attempts: z.array(z.looseObject({
    kind: z.string(),
    epoch: z.int(),
    attempt: z.int(),
    workerId: z.string(),
    workerName: z.string().nullable(),
    workerLabels: labels.nullable().describe("Where it ran: the worker's labels (region …)"),
    region: z.string().nullable().describe("The worker's `region` label: where it ran"),
    startedAt: ms(),
    endedAt: ms().nullable(),
    outcome: z.string().nullable(),
    error: json,
  })),
  publication: z.looseObject({
    key: z.string(),
    epoch: z.int(),
    workerId: z.string().nullable(),
    kind: z.string(),
    createdAt: ms(),
  }).nullable(),
  unschedulable: z.string().nullable(),
});

/** A worker. */
export const workerSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  labels,
  version: z.string(),
  slots: z.int(),
  hubId: z.string().nullable(),
  state: z.enum(["connected", "disconnected"]),
  cordoned: z.boolean(),
  draining: z.boolean(),
  connectedAt: ms(),
  lastSeenAt: ms(),
  leases: z.int(),
});

/** A token, without its secret. */
export const tokenSchema = z.looseObject({
  id: z.string(),
  role: z.enum(["admin", "operator", "viewer", "worker"]),
  scope: labels,
  name: z.string(),
  createdAt: ms(),
  revokedAt: ms().nullable(),
  lastUsedAt: ms().nullable(),
});

/** A resource's limit and use. */
export const resourceSchema = z.looseObject({
  name: z.string(),
  limit: z.int(),
  inUse: z.int(),
  configured: z.boolean().describe("False: the default limit of 1 applies"),
});

/** A registered task family. */
export const familySchema = z.looseObject({
  name: z.string(),
  version: z.int(),
  description: z.string().nullable(),
  paramsSchema: z.record(z.string(), json).describe("JSON Schema of the parameters"),
  hasRun: z.boolean(),
  priority: z.int(),
  disabledUntil: ms().nullable(),
});

/** A pause. */
export const pauseSchema = z.looseObject({
  kind: z.enum(["family", "region"]),
  value: z.string(),
  reason: z.string().nullable(),
  createdBy: z.string().nullable().describe("The token that paused it"),
  createdAt: ms(),
});

/** A backfill. */
export const backfillSchema = z.looseObject({
  backfillId: z.string(),
  family: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.int(),
  state: z.enum(["running", "done", "failed"]),
});

/** `{ ok, hubId }`. */
export const healthSchema = z.looseObject({ ok: z.boolean(), hubId: z.string() });

/** The body of cancel and pause: an optional reason, kept in the audit log. */
export const optionalReasonSchema = z.strictObject({
  reason: z.string().min(1).max(500).optional().describe("Why; kept in the audit log"),
});
