/**
 * The admin API's answers about runs, tasks, backfills and families: the
 * hub describes its routes with these schemas (OpenAPI, and the tests that
 * check every answer against them) and the CLI parses what it receives with
 * the same ones. Objects are loose: fields may be added, never removed or
 * retyped, and fields a client does not know pass through.
 *
 * @module
 */
import { z } from "zod";
import { RUN_STATES, TASK_STATES } from "./states.ts";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");
const json = z.unknown();

/**
 * `POST /api/runs` → 201.
 *
 * @example
 * ```ts
 * import { submittedSchema } from "./api_schemas.ts";
 * submittedSchema.parse({ runId: "run_a", taskId: "A_1_ab", rootState: "ready" });
 * ```
 */
export const submittedSchema = z.looseObject({
  runId: z.string(),
  taskId: z.string(),
  rootState: z.enum(TASK_STATES).describe("The root task's state right after submission"),
});

/** A submitted run. */
export type Submitted = z.output<typeof submittedSchema>;

/** A run's tasks by outcome: Luigi's execution summary. */
export const runSummarySchema = z.looseObject({
  alreadyDone: z.int().describe("Done before the run was submitted"),
  completed: z.int().describe("Done since the run was submitted"),
  failed: z.int(),
  blocked: z.int().describe("Cannot run: a requirement failed or was cancelled"),
  cancelled: z.int(),
  pending: z.int().describe("Waiting, ready or leased"),
});

/** What a run found done, did, failed at, and has left. */
export type RunSummary = z.output<typeof runSummarySchema>;

/** `GET /api/runs/{id}`: a run. */
export const runStatusSchema = z.looseObject({
  runId: z.string(),
  rootTaskId: z.string(),
  family: z.string(),
  params: json,
  state: z.enum(RUN_STATES),
  submittedBy: z.string().nullable().describe(
    "Who submitted it: a token's name, or an SSO user; null for runs older than this field",
  ),
  createdAt: ms(),
  finishedAt: ms().nullable(),
  total: z.int(),
  counts: z.record(z.string(), z.int()).describe("Tasks per state"),
  failed: z.array(z.looseObject({ taskId: z.string(), error: json })),
  blocked: z.array(z.looseObject({ taskId: z.string(), blockedBy: z.string() })),
  summary: runSummarySchema,
});

/** A run's state, task counts and summary. */
export type RunStatus = z.output<typeof runStatusSchema>;

/** `GET /api/runs`: a page of runs, newest first; `next` is the cursor of the next page. */
export const runListSchema = z.looseObject({
  runs: z.array(runStatusSchema),
  next: z.string().nullable(),
});

/** A page of runs. */
export type RunList = z.output<typeof runListSchema>;

/** `POST /api/runs/{id}/cancel`. */
export const runCancelledSchema = z.looseObject({ runId: z.string(), cancelled: z.int() });

/** What a run cancellation did. */
export type RunCancelled = z.output<typeof runCancelledSchema>;

/** `POST /api/runs/{id}/retry`: the tasks sent back to the queue, and how many were unblocked. */
export const runRetriedSchema = z.looseObject({
  runId: z.string(),
  retried: z.array(z.string()),
  unblocked: z.int(),
});

/** What a run retry did. */
export type RunRetried = z.output<typeof runRetriedSchema>;

/** A task, as `GET /api/tasks` lists it. */
export const taskSchema = z.looseObject({
  id: z.string(),
  family: z.string(),
  version: z.int(),
  params: json,
  state: z.enum(TASK_STATES),
  next: z.enum(["expand", "run"]).describe("What its next lease does"),
  pin: z.record(z.string(), json),
  priority: z.int(),
  wrapper: z.boolean().describe("No run(): done when its requirements are"),
  pendingDeps: z.int(),
  attempt: z.int(),
  maxAttempts: z.int(),
  nextAttemptAt: ms().nullable().describe("A retry waits for its backoff until then"),
  lease: z.looseObject({
    workerId: z.string().nullable(),
    epoch: z.int(),
    expiresAt: ms().nullable(),
  }).nullable(),
  epoch: z.int().describe("Fencing epoch: bumped by every lease"),
  status: z.string().nullable(),
  progress: z.number().nullable(),
  lastError: json,
  blockedBy: z.string().nullable(),
  resources: z.record(z.string(), z.int()),
  dynamicRounds: z.int(),
  external: z.looseObject({ checks: z.int(), deadlineAt: ms() }).nullable(),
  disabledUntil: ms().nullable().describe("Its family is disabled: it starts no sooner"),
  createdAt: ms(),
  updatedAt: ms(),
  readyAt: ms().nullable(),
  startedAt: ms().nullable(),
  finishedAt: ms().nullable(),
});

/** A task. */
export type Task = z.output<typeof taskSchema>;

/** `GET /api/tasks`: a page of tasks in id order; pass `next` back as `after`. */
export const taskListSchema = z.looseObject({
  tasks: z.array(taskSchema),
  next: z.string().nullable(),
});

/** `GET /api/tasks/{id}`: a task with its neighbours, attempts and publication. */
export const taskDetailSchema = taskSchema.extend({
  dependencies: z.array(z.looseObject({ id: z.string(), state: z.enum(TASK_STATES) })),
  dependents: z.int(),
  attempts: z.array(z.looseObject({
    kind: z.enum(["expand", "run"]),
    epoch: z.int(),
    attempt: z.int(),
    workerId: z.string(),
    workerName: z.string().nullable(),
    workerLabels: z.record(z.string(), z.string()).nullable().describe(
      "Where it ran: the worker's labels (region …)",
    ),
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
    kind: z.enum(["run", "found", "wrapper", "manual"]),
    createdAt: ms(),
  }).nullable(),
  unschedulable: z.string().nullable().describe(
    "Why no connected worker can take this ready task, or null",
  ),
  codeConflict: z.string().nullable().describe(
    "Connected workers run different code for this task's family, and which side ran it",
  ),
});

/** One task with its dependencies, attempts and publication. */
export type TaskDetail = z.output<typeof taskDetailSchema>;

/** `POST /api/tasks/{id}/cancel`. */
export const taskCancelledSchema = z.looseObject({
  taskId: z.string(),
  state: z.literal("cancelled"),
});

/** A task cancelled. */
export type TaskCancelled = z.output<typeof taskCancelledSchema>;

/** `POST /api/tasks/{id}/retry`: the task's new state and how many tasks it unblocked. */
export const taskRetriedSchema = z.looseObject({
  taskId: z.string(),
  state: z.enum(TASK_STATES),
  unblocked: z.int(),
});

/** A task retried. */
export type TaskRetried = z.output<typeof taskRetriedSchema>;

/** `POST /api/tasks/{id}/done`: how many dependents became ready. */
export const taskMarkedDoneSchema = z.looseObject({
  taskId: z.string(),
  state: z.literal("done"),
  readied: z.int(),
});

/** A task marked done by hand. */
export type TaskMarkedDone = z.output<typeof taskMarkedDoneSchema>;

/** What a task cancel, retry or mark-done answers: at least the task and its new state. */
export const taskActionSchema = z.looseObject({
  taskId: z.string(),
  state: z.enum(TASK_STATES),
});

/** A task's state after a retry, cancel or mark-done. */
export type TaskAction = z.output<typeof taskActionSchema>;

/** Connected workers that run different code for one family and version (their fingerprints differ). */
const codeConflictSchema = z.looseObject({
  message: z.string(),
  workers: z.array(
    z.looseObject({ workerId: z.string(), name: z.string(), fingerprint: z.string() }),
  ),
});

/** A registered task family, as workers advertised it. */
export const familySchema = z.looseObject({
  name: z.string(),
  version: z.int(),
  description: z.string().nullable(),
  paramsSchema: z.record(z.string(), json).describe("JSON Schema of the parameters"),
  pin: z.record(z.string(), json).describe(
    'The label selector its tasks need, e.g. {"region":"eu-west"}; {} is any worker',
  ),
  retry: z.looseObject({ maxAttempts: z.int(), baseDelayMs: z.int(), maxDelayMs: z.int() }),
  hasRun: z.boolean(),
  priority: z.int(),
  timeoutMs: z.int().nullable(),
  options: z.record(z.string(), json).describe("Resources, batching, external checks, …"),
  disabledUntil: ms().nullable(),
  schemaHash: z.string(),
  codeConflict: codeConflictSchema.nullable(),
});

/** A registered task family. */
export type Family = z.output<typeof familySchema>;

/** `GET /api/families`. */
export const familyListSchema = z.looseObject({ families: z.array(familySchema) });

/** `GET /api/families/{name}`: the latest version, with every version known. */
export const familyDetailSchema = familySchema.extend({ versions: z.array(z.int()) });

/** The latest version of a family. */
export type FamilyDetail = z.output<typeof familyDetailSchema>;

/** `POST /api/families/{name}/enable`. */
export const familyEnabledSchema = z.looseObject({
  family: z.string(),
  disabledUntil: z.null(),
});
