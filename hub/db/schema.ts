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

/** Task states. `ready` tasks are claimable; `kind` says whether the next lease expands or runs. */
export const TASK_STATES = ["ready", "leased", "waiting", "done", "failed"] as const;
/** A task state. */
export type TaskState = (typeof TASK_STATES)[number];
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
  state: text("state").$type<"running" | "done" | "failed">().notNull(),
  createdAt: integer("created_at").notNull(),
  finishedAt: integer("finished_at"),
}, (t) => [index("runs_root_idx").on(t.rootTaskId), index("runs_created_idx").on(t.createdAt)]);

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
  outcome: text("outcome").$type<"done" | "failed" | "expired" | "released">(),
  error: text("error"),
}, (t) => [uniqueIndex("attempts_task_epoch_idx").on(t.taskId, t.epoch)]);

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
