/**
 * The shapes of the hub's admin API answers, checked once where they enter
 * the CLI. Objects are loose: fields the CLI does not show pass through to
 * `--json` output untouched.
 */
import { z } from "zod";

/** `POST /api/runs` → 201. */
export const submittedSchema = z.looseObject({
  runId: z.string(),
  taskId: z.string(),
  rootState: z.string(),
});

/** A submitted run. */
export type Submitted = z.output<typeof submittedSchema>;

/** The states a run can be in; `running` is the only one not final. */
export const RUN_STATES = ["running", "done", "failed", "cancelled"] as const;

/** A run's state. */
export type RunState = (typeof RUN_STATES)[number];

/** A run's tasks by outcome, for the end-of-run summary. */
export const runSummarySchema = z.looseObject({
  /** Done before the run was submitted (outputs existed, or another run made them). */
  alreadyDone: z.number(),
  /** Done since the run was submitted. */
  completed: z.number(),
  failed: z.number(),
  /** Cannot run: a requirement failed or was cancelled. */
  blocked: z.number(),
  cancelled: z.number(),
  /** Not finished yet: waiting, ready or leased. */
  pending: z.number(),
});

/** What a run found done, did, failed at, and has left. */
export type RunSummary = z.output<typeof runSummarySchema>;

/** `GET /api/runs/:id`. */
export const runStatusSchema = z.looseObject({
  runId: z.string(),
  rootTaskId: z.string(),
  family: z.string(),
  params: z.unknown(),
  state: z.enum(RUN_STATES),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  total: z.number(),
  counts: z.record(z.string(), z.number()),
  failed: z.array(z.looseObject({ taskId: z.string(), error: z.unknown() })),
  /** Tasks that cannot run because a requirement failed or was cancelled. */
  blocked: z.array(z.looseObject({ taskId: z.string(), blockedBy: z.string() })).default([]),
  /** Absent from hubs older than the execution summary. */
  summary: runSummarySchema.optional(),
});

/** A run's state and task counts. */
export type RunStatus = z.output<typeof runStatusSchema>;

/** `GET /api/runs`: a page of runs, newest first; `next` is the cursor of the next page. */
export const runListSchema = z.looseObject({
  runs: z.array(runStatusSchema),
  next: z.string().nullable().default(null),
});

/** A page of runs. */
export type RunList = z.output<typeof runListSchema>;

/** `GET /api/tasks` rows. */
export const taskSchema = z.looseObject({
  id: z.string(),
  family: z.string(),
  version: z.number(),
  params: z.unknown(),
  state: z.string(),
  attempt: z.number(),
  maxAttempts: z.number(),
  nextAttemptAt: z.number().nullish(),
  lease: z.looseObject({
    workerId: z.string().nullable(),
    epoch: z.number(),
    expiresAt: z.number().nullable(),
  }).nullish(),
  status: z.string().nullish(),
  progress: z.number().nullish(),
  lastError: z.unknown(),
  createdAt: z.number(),
  startedAt: z.number().nullish(),
  finishedAt: z.number().nullish(),
});

/** A task as `GET /api/tasks` shows it. */
export type Task = z.output<typeof taskSchema>;

/** `GET /api/tasks`. */
export const taskListSchema = z.looseObject({ tasks: z.array(taskSchema) });

/** `GET /api/tasks/:id`. */
export const taskDetailSchema = taskSchema.extend({
  dependencies: z.array(z.looseObject({ id: z.string(), state: z.string() })),
  dependents: z.number(),
  attempts: z.array(z.looseObject({
    kind: z.string().nullish(),
    epoch: z.number().nullish(),
    attempt: z.number().nullish(),
    workerId: z.string().nullish(),
    workerName: z.string().nullish(),
    startedAt: z.number().nullish(),
    endedAt: z.number().nullish(),
    outcome: z.string().nullish(),
    error: z.unknown(),
  })),
  publication: z.looseObject({
    key: z.string().nullish(),
    epoch: z.number().nullish(),
    workerId: z.string().nullish(),
    kind: z.string().nullish(),
    createdAt: z.number().nullish(),
  }).nullable(),
  /** Why no connected worker can take this ready task, or null (absent from older hubs). */
  unschedulable: z.string().nullish(),
});

/** One task with its dependencies, attempts and publication. */
export type TaskDetail = z.output<typeof taskDetailSchema>;

/** `GET /api/workers` rows. */
export const workerSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  labels: z.record(z.string(), z.unknown()).nullish(),
  version: z.string().nullish(),
  slots: z.number(),
  state: z.string(),
  leases: z.number(),
  lastSeenAt: z.number().nullish(),
  cordoned: z.boolean().optional(),
  draining: z.boolean().optional(),
});

/** What `POST /api/workers/:id/{cordon,uncordon,drain}` answers. */
export const workerModeSchema = z.looseObject({
  workerId: z.string(),
  cordoned: z.boolean(),
  draining: z.boolean(),
});

/** A worker's cordon and drain flags. */
export type WorkerMode = z.output<typeof workerModeSchema>;

/** A worker as the hub last saw it. */
export type Worker = z.output<typeof workerSchema>;

/** `GET /api/workers`. */
export const workerListSchema = z.looseObject({ workers: z.array(workerSchema) });

/** `GET /api/families` rows. */
export const familySchema = z.looseObject({
  name: z.string(),
  version: z.number(),
  description: z.string().nullish(),
  paramsSchema: z.record(z.string(), z.unknown()),
  retry: z.looseObject({
    maxAttempts: z.number(),
    baseDelayMs: z.number(),
    maxDelayMs: z.number(),
  }).nullish(),
  hasRun: z.boolean().nullish(),
});

/** A registered task family. */
export type Family = z.output<typeof familySchema>;

/** `GET /api/families`. */
export const familyListSchema = z.looseObject({ families: z.array(familySchema) });

/** `GET /api/families/:name`: the latest version, with every registered version. */
export const familyDetailSchema = familySchema.extend({ versions: z.array(z.number()) });

/** The latest version of a family. */
export type FamilyDetail = z.output<typeof familyDetailSchema>;

/** `POST /api/backfills` → 201. */
export const backfillCreatedSchema = z.looseObject({
  backfillId: z.string(),
  days: z.number(),
  skipped: z.number(),
  submitted: z.number(),
});

/** A created backfill. */
export type BackfillCreated = z.output<typeof backfillCreatedSchema>;

/** `GET /api/backfills/:id`. */
export const backfillStatusSchema = z.looseObject({
  backfillId: z.string(),
  family: z.string(),
  param: z.string(),
  from: z.string(),
  to: z.string(),
  maxConcurrent: z.number().nullable(),
  days: z.number(),
  skipped: z.number(),
  submitted: z.number(),
  done: z.number(),
  failed: z.number(),
  running: z.number(),
  state: z.enum(["running", "done", "failed"]),
  runs: z.array(z.looseObject({
    runId: z.string(),
    date: z.string(),
    taskId: z.string(),
    state: z.string(),
  })),
});

/** A backfill's progress, with each day's run. */
export type BackfillStatus = z.output<typeof backfillStatusSchema>;
