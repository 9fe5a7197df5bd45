/**
 * The hub's database: tables only. Timestamps are integer milliseconds from
 * the hub's clock; JSON columns hold canonical JSON text.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** Task states (see shared/states.ts). */
export { TASK_STATES, type TaskState } from "../../shared/states.ts";
import type { TaskState } from "../../shared/states.ts";
/** What a lease on a task does. */
export type LeaseKind = "expand" | "run";

export const tasks = sqliteTable("tasks", {
  id: text("id").primaryKey(),
  family: text("family").notNull(),
  version: integer("version").notNull(),
  params: text("params").notNull(),
  state: text("state").$type<TaskState>().notNull(),
  kind: text("kind").$type<LeaseKind>().notNull(),
  pin: text("pin").notNull().default(""),
  priority: integer("priority").notNull().default(0),
  hasRun: integer("has_run", { mode: "boolean" }),
  pendingDeps: integer("pending_deps").notNull().default(0),
  attempt: integer("attempt").notNull().default(0),
  maxAttempts: integer("max_attempts").notNull().default(3),
  retryBaseMs: integer("retry_base_ms").notNull().default(1000),
  retryMaxMs: integer("retry_max_ms").notNull().default(60000),
  expandFailures: integer("expand_failures").notNull().default(0),
  nextAttemptAt: integer("next_attempt_at").notNull().default(0),
  leaseOwner: text("lease_owner"),
  leaseEpoch: integer("lease_epoch").notNull().default(0),
  leaseExpiresAt: integer("lease_expires_at"),
  statusMessage: text("status_message"),
  progress: real("progress"),
  lastError: text("last_error"),
  /** The failed or cancelled requirement that keeps a `blocked` task from running. */
  blockedBy: text("blocked_by"),
  /** Named global resources a run holds, e.g. `{"bigquery":1}`. */
  resources: text("resources").notNull().default("{}"),
  /** For batchable families: the params without the batch parameter (siblings share it). */
  batchKey: text("batch_key"),
  /** Times a run parked for dynamic requirements. */
  dynamicRounds: integer("dynamic_rounds").notNull().default(0),
  /** External tasks: completeness checks so far, and when to give up. */
  externalChecks: integer("external_checks").notNull().default(0),
  externalDeadlineAt: integer("external_deadline_at"),
  /**
   * A run's regional preference (JSON `{ label, values, spillAfterMs, stage }`):
   * the pin allows `values[0..stage]`, one more each `spillAfterMs` spent ready.
   */
  pinSpill: text("pin_spill"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  readyAt: integer("ready_at"),
  startedAt: integer("started_at"),
  finishedAt: integer("finished_at"),
}, (t) => [
  // Claims read this partial index per (pin, family, version), already in
  // priority-then-age order, so a claim never sorts or scans other families.
  index("tasks_claim_idx")
    .on(t.pin, t.family, t.version, sql`priority DESC`, t.createdAt)
    .where(sql`state = 'ready'`),
  index("tasks_lease_expiry_idx").on(t.leaseExpiresAt).where(sql`state = 'leased'`),
  index("tasks_state_idx").on(t.state),
  index("tasks_batch_idx").on(t.family, t.version, t.batchKey).where(
    sql`state = 'ready' AND batch_key IS NOT NULL`,
  ),
  // Retention walks settled tasks oldest first (ops/prune_tasks.ts).
  index("tasks_settled_idx").on(t.updatedAt, t.id).where(
    sql`state IN ('done', 'failed', 'cancelled', 'blocked')`,
  ),
]);

export const edges = sqliteTable("edges", {
  taskId: text("task_id").notNull(),
  depId: text("dep_id").notNull(),
}, (t) => [
  primaryKey({ columns: [t.taskId, t.depId] }),
  index("edges_dep_idx").on(t.depId),
]);

export const runs = sqliteTable("runs", {
  id: text("id").primaryKey(),
  rootTaskId: text("root_task_id").notNull(),
  family: text("family").notNull(),
  params: text("params").notNull(),
  state: text("state").$type<"running" | "done" | "failed" | "cancelled">().notNull(),
  priority: integer("priority").notNull().default(0),
  backfillId: text("backfill_id"),
  /** The schedule that fired it, and the nominal time it fired for (`schedules`). */
  scheduleId: text("schedule_id"),
  nominalAt: integer("nominal_at"),
  /** Who submitted it: the token's name (or id), or the SSO user; null before 0004. */
  submittedBy: text("submitted_by"),
  createdAt: integer("created_at").notNull(),
  finishedAt: integer("finished_at"),
}, (t) => [
  index("runs_root_idx").on(t.rootTaskId),
  index("runs_created_idx").on(t.createdAt),
  index("runs_backfill_idx").on(t.backfillId),
  // A nominal time fires once, whichever hub gets there (NULLs are distinct: other runs).
  uniqueIndex("runs_schedule_nominal_idx").on(t.scheduleId, t.nominalAt),
  index("runs_finished_idx").on(t.finishedAt).where(sql`finished_at IS NOT NULL`),
]);

/**
 * Which tasks each run has: its root and everything below it along the
 * edges, kept by the operations that add and remove edges, so that a run's
 * counts need no walk. `before`: the task was done when it joined the run
 * (already done, not done by this run), until it is done again.
 */
export const runTasks = sqliteTable("run_tasks", {
  runId: text("run_id").notNull(),
  taskId: text("task_id").notNull(),
  before: integer("before").notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.runId, t.taskId] }),
  index("run_tasks_task_idx").on(t.taskId),
]);

/** A run's tasks counted by state, kept by triggers (migration 0006); `already_done` counts `before`. */
export const runCounts = sqliteTable("run_counts", {
  runId: text("run_id").notNull(),
  state: text("state").notNull(),
  n: integer("n").notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.state] })]);

export const workers = sqliteTable("workers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  labels: text("labels").notNull(),
  version: text("version").notNull(),
  slots: integer("slots").notNull(),
  /** `name@version#schemaHash` of each family the worker advertised. */
  families: text("families").notNull().default("[]"),
  hubId: text("hub_id"),
  state: text("state").$type<"connected" | "disconnected">().notNull(),
  /** Cordoned: takes no new leases. */
  cordoned: integer("cordoned", { mode: "boolean" }).notNull().default(false),
  /** Draining: cordoned, and disconnected for good once its leases are done. */
  draining: integer("draining", { mode: "boolean" }).notNull().default(false),
  connectedAt: integer("connected_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
});

export const attempts = sqliteTable("attempts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  taskId: text("task_id").notNull(),
  kind: text("kind").$type<LeaseKind>().notNull(),
  epoch: integer("epoch").notNull(),
  attempt: integer("attempt").notNull(),
  workerId: text("worker_id").notNull(),
  startedAt: integer("started_at").notNull(),
  endedAt: integer("ended_at"),
  outcome: text("outcome").$type<
    "done" | "failed" | "expired" | "released" | "parked" | "cancelled"
  >(),
  error: text("error"),
  /** Task log lines stored for this attempt, and their bytes (capped per attempt). */
  logLines: integer("log_lines").notNull().default(0),
  logBytes: integer("log_bytes").notNull().default(0),
}, (t) => [
  uniqueIndex("attempts_task_epoch_idx").on(t.taskId, t.epoch),
  index("attempts_ended_idx").on(t.endedAt),
]);

export const publications = sqliteTable("publications", {
  key: text("key").primaryKey(),
  taskId: text("task_id").notNull(),
  epoch: integer("epoch").notNull(),
  workerId: text("worker_id"),
  /** `run`: a run's outputs; `found`: outputs existed at expansion; `wrapper`: requirements done. */
  kind: text("kind").$type<"run" | "found" | "wrapper">().notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [uniqueIndex("publications_task_idx").on(t.taskId)]);

export const families = sqliteTable("families", {
  name: text("name").notNull(),
  version: integer("version").notNull(),
  description: text("description"),
  paramsSchema: text("params_schema").notNull(),
  pin: text("pin").notNull().default(""),
  retry: text("retry").notNull(),
  hasRun: integer("has_run", { mode: "boolean" }).notNull(),
  priority: integer("priority").notNull().default(0),
  timeoutMs: integer("timeout_ms"),
  /** JSON: `{ resources, batch, external, disable, contracts, maxDynamicRounds }`. */
  options: text("options").notNull().default("{}"),
  /** While in the future, no task of the family starts (too many failures). */
  disabledUntil: integer("disabled_until"),
  schemaHash: text("schema_hash").notNull(),
  firstWorkerId: text("first_worker_id").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.version] })]);

export const hubs = sqliteTable("hubs", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  startedAt: integer("started_at").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
});

export const resourceLimits = sqliteTable("resource_limits", {
  name: text("name").primaryKey(),
  limit: integer("limit").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const backfills = sqliteTable("backfills", {
  id: text("id").primaryKey(),
  family: text("family").notNull(),
  version: integer("version").notNull(),
  param: text("param").notNull(),
  /** JSON: the other parameters, shared by every day. */
  params: text("params").notNull(),
  /** JSON: the dates, in order. */
  dates: text("dates").notNull(),
  nextIndex: integer("next_index").notNull().default(0),
  maxConcurrent: integer("max_concurrent"),
  priority: integer("priority").notNull().default(0),
  /** Who created it (as `runs.submitted_by`); its runs carry the same. */
  submittedBy: text("submitted_by"),
  createdAt: integer("created_at").notNull(),
});

/** Pauses: while a family or a region is paused, nothing new of it starts (running work finishes). */
export const pauses = sqliteTable("pauses", {
  /** `family` (a task family, every version) or `region` (workers whose `region` label is it). */
  kind: text("kind").$type<"family" | "region">().notNull(),
  value: text("value").notNull(),
  reason: text("reason"),
  /** The token (`tok_…`) that paused it. */
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
}, (t) => [primaryKey({ columns: [t.kind, t.value] })]);

/**
 * What happened, in commit order: run and task state changes, workers
 * connecting and leaving, lease expiries. Written by triggers (migration
 * 0003) in the transaction of the change itself, so every hub sharing the
 * database can tail them by id. SQLite has one writer, so ids are handed out
 * in commit order and a reader that has seen id N has seen every id below it.
 */
export const events = sqliteTable("events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  at: integer("at").notNull(),
  /** `run.created`, `run.state`, `task.created`, `task.state`, `lease.expired`, `worker.connected`, `worker.disconnected`, `worker.mode`, `family.disabled`. */
  kind: text("kind").notNull(),
  runId: text("run_id"),
  taskId: text("task_id"),
  workerId: text("worker_id"),
  /** JSON: what changed (`from`, `to`, `family`, `attempt`, …). */
  data: text("data").notNull().default("{}"),
}, (t) => [
  index("events_run_idx").on(t.runId, t.id).where(sql`run_id IS NOT NULL`),
]);

/** Lines task code wrote through `ctx.log`, shipped by workers, per attempt. */
export const taskLogs = sqliteTable("task_logs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  taskId: text("task_id").notNull(),
  attempt: integer("attempt").notNull(),
  epoch: integer("epoch").notNull(),
  workerId: text("worker_id").notNull(),
  /** The worker's clock, when the line was written. */
  at: integer("at").notNull(),
  level: text("level").$type<"debug" | "info" | "warn" | "error">().notNull(),
  message: text("message").notNull(),
  /** JSON: the line's fields, if any. */
  fields: text("fields"),
  /** A marker line: this many lines were dropped here (worker buffer full or attempt cap). */
  dropped: integer("dropped").notNull().default(0),
}, (t) => [index("task_logs_task_idx").on(t.taskId, t.attempt, t.id)]);

export * from "./schema_access.ts";

export * from "./schema_triggers.ts";
