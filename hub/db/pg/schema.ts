/**
 * The hub's database on PostgreSQL: the same tables, columns and indexes as
 * `../schema.ts` (SQLite), which the hub's statements are written against.
 * drizzle-kit reads this file for the PostgreSQL migrations
 * (`migrations/postgres/`); a test checks the two stay alike.
 *
 * Types: SQLite's integers are `bigint` (millisecond timestamps do not fit
 * in 32 bits), read back as numbers, and so are its integer booleans (0 or
 * 1), so the same comparisons hold on both; `real` is `double precision`.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  doublePrecision,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { LeaseKind, TaskState } from "../schema.ts";

export const tasks = pgTable("tasks", {
  id: text("id").primaryKey(),
  family: text("family").notNull(),
  version: bigint("version", { mode: "number" }).notNull(),
  params: text("params").notNull(),
  state: text("state").$type<TaskState>().notNull(),
  kind: text("kind").$type<LeaseKind>().notNull(),
  pin: text("pin").notNull().default(""),
  priority: bigint("priority", { mode: "number" }).notNull().default(0),
  hasRun: bigint("has_run", { mode: "number" }),
  pendingDeps: bigint("pending_deps", { mode: "number" }).notNull().default(0),
  attempt: bigint("attempt", { mode: "number" }).notNull().default(0),
  maxAttempts: bigint("max_attempts", { mode: "number" }).notNull().default(3),
  retryBaseMs: bigint("retry_base_ms", { mode: "number" }).notNull().default(1000),
  retryMaxMs: bigint("retry_max_ms", { mode: "number" }).notNull().default(60000),
  expandFailures: bigint("expand_failures", { mode: "number" }).notNull().default(0),
  nextAttemptAt: bigint("next_attempt_at", { mode: "number" }).notNull().default(0),
  leaseOwner: text("lease_owner"),
  leaseEpoch: bigint("lease_epoch", { mode: "number" }).notNull().default(0),
  leaseExpiresAt: bigint("lease_expires_at", { mode: "number" }),
  statusMessage: text("status_message"),
  progress: doublePrecision("progress"),
  lastError: text("last_error"),
  /** The failed or cancelled requirement that keeps a `blocked` task from running. */
  blockedBy: text("blocked_by"),
  /** Named global resources a run holds, e.g. `{"bigquery":1}`. */
  resources: text("resources").notNull().default("{}"),
  /** For batchable families: the params without the batch parameter (siblings share it). */
  batchKey: text("batch_key"),
  /** Times a run parked for dynamic requirements. */
  dynamicRounds: bigint("dynamic_rounds", { mode: "number" }).notNull().default(0),
  /** External tasks: completeness checks so far, and when to give up. */
  externalChecks: bigint("external_checks", { mode: "number" }).notNull().default(0),
  externalDeadlineAt: bigint("external_deadline_at", { mode: "number" }),
  /**
   * A run's regional preference (JSON `{ label, values, spillAfterMs, stage }`):
   * the pin allows `values[0..stage]`, one more each `spillAfterMs` spent ready.
   */
  pinSpill: text("pin_spill"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  readyAt: bigint("ready_at", { mode: "number" }),
  startedAt: bigint("started_at", { mode: "number" }),
  finishedAt: bigint("finished_at", { mode: "number" }),
}, (t) => [
  // Claims read this partial index per (pin, family, version), already in
  // priority-then-age order, so a claim never sorts or scans other families.
  // NULLS FIRST: what `ORDER BY priority DESC` means in PostgreSQL; with
  // drizzle's default (NULLS LAST) every claim sorted all ready rows.
  index("tasks_claim_idx")
    .on(t.pin, t.family, t.version, t.priority.desc().nullsFirst(), t.createdAt)
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

export const edges = pgTable("edges", {
  taskId: text("task_id").notNull(),
  depId: text("dep_id").notNull(),
}, (t) => [
  primaryKey({ columns: [t.taskId, t.depId] }),
  index("edges_dep_idx").on(t.depId),
]);

export const runs = pgTable("runs", {
  id: text("id").primaryKey(),
  rootTaskId: text("root_task_id").notNull(),
  family: text("family").notNull(),
  params: text("params").notNull(),
  state: text("state").$type<"running" | "done" | "failed" | "cancelled">().notNull(),
  priority: bigint("priority", { mode: "number" }).notNull().default(0),
  backfillId: text("backfill_id"),
  /** The schedule that fired it, and the nominal time it fired for (`schedules`). */
  scheduleId: text("schedule_id"),
  nominalAt: bigint("nominal_at", { mode: "number" }),
  /** Who submitted it: the token's name (or id), or the SSO user; null before 0004. */
  submittedBy: text("submitted_by"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  finishedAt: bigint("finished_at", { mode: "number" }),
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
export const runTasks = pgTable("run_tasks", {
  runId: text("run_id").notNull(),
  taskId: text("task_id").notNull(),
  before: bigint("before", { mode: "number" }).notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.runId, t.taskId] }),
  index("run_tasks_task_idx").on(t.taskId),
]);

/** A run's tasks counted by state, kept by triggers (migration 0006); `already_done` counts `before`. */
export const runCounts = pgTable("run_counts", {
  runId: text("run_id").notNull(),
  state: text("state").notNull(),
  n: bigint("n", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.state] })]);

export const workers = pgTable("workers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  labels: text("labels").notNull(),
  version: text("version").notNull(),
  slots: bigint("slots", { mode: "number" }).notNull(),
  /** `name@version#schemaHash` of each family the worker advertised. */
  families: text("families").notNull().default("[]"),
  hubId: text("hub_id"),
  state: text("state").$type<"connected" | "disconnected">().notNull(),
  /** Cordoned: takes no new leases. */
  cordoned: bigint("cordoned", { mode: "number" }).notNull().default(0),
  /** Draining: cordoned, and disconnected for good once its leases are done. */
  draining: bigint("draining", { mode: "number" }).notNull().default(0),
  connectedAt: bigint("connected_at", { mode: "number" }).notNull(),
  lastSeenAt: bigint("last_seen_at", { mode: "number" }).notNull(),
});

export const attempts = pgTable("attempts", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  taskId: text("task_id").notNull(),
  kind: text("kind").$type<LeaseKind>().notNull(),
  epoch: bigint("epoch", { mode: "number" }).notNull(),
  attempt: bigint("attempt", { mode: "number" }).notNull(),
  workerId: text("worker_id").notNull(),
  startedAt: bigint("started_at", { mode: "number" }).notNull(),
  endedAt: bigint("ended_at", { mode: "number" }),
  outcome: text("outcome").$type<
    "done" | "failed" | "expired" | "released" | "parked" | "cancelled"
  >(),
  error: text("error"),
  /** Task log lines stored for this attempt, and their bytes (capped per attempt). */
  logLines: bigint("log_lines", { mode: "number" }).notNull().default(0),
  logBytes: bigint("log_bytes", { mode: "number" }).notNull().default(0),
}, (t) => [
  uniqueIndex("attempts_task_epoch_idx").on(t.taskId, t.epoch),
  index("attempts_ended_idx").on(t.endedAt),
]);

export const publications = pgTable("publications", {
  key: text("key").primaryKey(),
  taskId: text("task_id").notNull(),
  epoch: bigint("epoch", { mode: "number" }).notNull(),
  workerId: text("worker_id"),
  /** `run`: a run's outputs; `found`: outputs existed at expansion; `wrapper`: requirements done. */
  kind: text("kind").$type<"run" | "found" | "wrapper">().notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
}, (t) => [uniqueIndex("publications_task_idx").on(t.taskId)]);

export const families = pgTable("families", {
  name: text("name").notNull(),
  version: bigint("version", { mode: "number" }).notNull(),
  description: text("description"),
  paramsSchema: text("params_schema").notNull(),
  pin: text("pin").notNull().default(""),
  retry: text("retry").notNull(),
  hasRun: bigint("has_run", { mode: "number" }).notNull(),
  priority: bigint("priority", { mode: "number" }).notNull().default(0),
  timeoutMs: bigint("timeout_ms", { mode: "number" }),
  /** JSON: `{ resources, batch, external, disable, contracts, maxDynamicRounds }`. */
  options: text("options").notNull().default("{}"),
  /** While in the future, no task of the family starts (too many failures). */
  disabledUntil: bigint("disabled_until", { mode: "number" }),
  schemaHash: text("schema_hash").notNull(),
  firstWorkerId: text("first_worker_id").notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.version] })]);

export const hubs = pgTable("hubs", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  startedAt: bigint("started_at", { mode: "number" }).notNull(),
  heartbeatAt: bigint("heartbeat_at", { mode: "number" }).notNull(),
});

export const resourceLimits = pgTable("resource_limits", {
  name: text("name").primaryKey(),
  limit: bigint("limit", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

export const backfills = pgTable("backfills", {
  id: text("id").primaryKey(),
  family: text("family").notNull(),
  version: bigint("version", { mode: "number" }).notNull(),
  param: text("param").notNull(),
  /** JSON: the other parameters, shared by every day. */
  params: text("params").notNull(),
  /** JSON: the dates, in order. */
  dates: text("dates").notNull(),
  nextIndex: bigint("next_index", { mode: "number" }).notNull().default(0),
  maxConcurrent: bigint("max_concurrent", { mode: "number" }),
  priority: bigint("priority", { mode: "number" }).notNull().default(0),
  /** Who created it (as `runs.submitted_by`); its runs carry the same. */
  submittedBy: text("submitted_by"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
});

/** Pauses: while a family or a region is paused, nothing new of it starts (running work finishes). */
export const pauses = pgTable("pauses", {
  /** `family` (a task family, every version) or `region` (workers whose `region` label is it). */
  kind: text("kind").$type<"family" | "region">().notNull(),
  value: text("value").notNull(),
  reason: text("reason"),
  /** The token (`tok_…`) that paused it. */
  createdBy: text("created_by"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ columns: [t.kind, t.value] })]);

/**
 * What happened, in commit order: run and task state changes, workers
 * connecting and leaving, lease expiries. Written by triggers (migration
 * 0003) in the transaction of the change itself, so every hub sharing the
 * database can tail them by id. SQLite has one writer, so ids are handed out
 * in commit order and a reader that has seen id N has seen every id below it.
 */
export const events = pgTable("events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  at: bigint("at", { mode: "number" }).notNull(),
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
export const taskLogs = pgTable("task_logs", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  taskId: text("task_id").notNull(),
  attempt: bigint("attempt", { mode: "number" }).notNull(),
  epoch: bigint("epoch", { mode: "number" }).notNull(),
  workerId: text("worker_id").notNull(),
  /** The worker's clock, when the line was written. */
  at: bigint("at", { mode: "number" }).notNull(),
  level: text("level").$type<"debug" | "info" | "warn" | "error">().notNull(),
  message: text("message").notNull(),
  /** JSON: the line's fields, if any. */
  fields: text("fields"),
  /** A marker line: this many lines were dropped here (worker buffer full or attempt cap). */
  dropped: bigint("dropped", { mode: "number" }).notNull().default(0),
}, (t) => [index("task_logs_task_idx").on(t.taskId, t.attempt, t.id)]);

export * from "./schema_access.ts";

export * from "./schema_triggers.ts";
