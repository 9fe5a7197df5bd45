/**
 * Schedules, webhooks and stream triggers: the tables of what starts runs besides the API
 * (re-exported by `schema.ts`, which drizzle-kit reads).
 */
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * Schedules: a family's runs at the nominal times of a cron expression (in
 * an IANA zone) or a fixed interval (`hub/ops/schedule_times.ts`), fired by
 * whichever hub gets there first (`hub/ops/fire_schedules.ts`).
 */
export const schedules = sqliteTable("schedules", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  family: text("family").notNull(),
  /** Null: the family's newest version when it fires. */
  version: integer("version"),
  /** JSON: the fixed parameters. */
  params: text("params").notNull(),
  /** JSON: parameters set from the nominal time, `{ name: "date" | "datetime" | "epoch_ms" }`. */
  timeParams: text("time_params").notNull(),
  cron: text("cron"),
  intervalMs: integer("interval_ms"),
  zone: text("zone").notNull(),
  startAt: integer("start_at"),
  endAt: integer("end_at"),
  /** JSON: `{ mode: "none" | "latest" }` or `{ mode: "all", windowMs, max }`. */
  catchUp: text("catch_up").notNull(),
  overlap: text("overlap").$type<"allow" | "skip" | "buffer" | "cancel">().notNull(),
  jitterMs: integer("jitter_ms").notNull().default(0),
  priority: integer("priority").notNull().default(0),
  pausedAt: integer("paused_at"),
  pauseReason: text("pause_reason"),
  /** Every nominal time up to this one has fired or been passed over. */
  lastNominalAt: integer("last_nominal_at").notNull(),
  /** When to look again (the next nominal time, with the jitter); null: no more. */
  nextAt: integer("next_at"),
  /** Overlap `buffer`: a nominal time waiting for the schedule's running run to end. */
  bufferedAt: integer("buffered_at"),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  uniqueIndex("schedules_name_idx").on(t.name),
  index("schedules_next_idx").on(t.nextAt),
]);

/**
 * Webhooks: `POST /api/hooks/{name}` starts a run of a family with
 * parameters taken from the JSON payload, when its HMAC signature checks
 * out (`hub/core/hook_commands.ts`).
 */
export const hooks = sqliteTable("hooks", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  family: text("family").notNull(),
  /** Null: the family's newest version at each delivery. */
  version: integer("version"),
  /** JSON: the fixed parameters. */
  params: text("params").notNull(),
  /** JSON: parameters taken from the payload, `{ name: "/json/pointer" }`. */
  mapping: text("mapping").notNull(),
  /** The HMAC-SHA256 key deliveries are signed with (shown once, at creation). */
  secret: text("secret").notNull(),
  /** Where a delivery's idempotency key is: a header's name, or a JSON pointer into the payload. */
  keyHeader: text("key_header"),
  keyField: text("key_field"),
  priority: integer("priority").notNull().default(0),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
}, (t) => [uniqueIndex("hooks_name_idx").on(t.name)]);

/** Each delivery a hook accepted, by its idempotency key: the same key never makes a second run. */
export const hookDeliveries = sqliteTable("hook_deliveries", {
  hookId: text("hook_id").notNull(),
  key: text("key").notNull(),
  runId: text("run_id").notNull(),
  receivedAt: integer("received_at").notNull(),
}, (t) => [
  primaryKey({ columns: [t.hookId, t.key] }),
  // Retention deletes the old ones: by age, not by a scan of them all.
  index("hook_deliveries_received_idx").on(t.receivedAt),
]);

/**
 * Stream triggers: each message of a broker's subject (NATS JetStream, through
 * a durable consumer) starts a run of a family, with parameters taken from its
 * JSON payload (`hub/core/trigger_commands.ts`, `hub/triggers/`).
 */
export const triggers = sqliteTable("triggers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** The source: `jetstream`. */
  kind: text("kind").notNull(),
  /** JSON: where the source reads (for `jetstream`: servers, stream, subject, durable, ...). */
  source: text("source").notNull(),
  family: text("family").notNull(),
  /** Null: the family's newest version at each message. */
  version: integer("version"),
  /** JSON: the fixed parameters. */
  params: text("params").notNull(),
  /** JSON: parameters taken from the payload, `{ name: "/json/pointer" }`. */
  mapping: text("mapping").notNull(),
  /** A JSON pointer to each message's idempotency key; null: the source's message id. */
  keyField: text("key_field"),
  priority: integer("priority").notNull().default(0),
  pausedAt: integer("paused_at"),
  pauseReason: text("pause_reason"),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [uniqueIndex("triggers_name_idx").on(t.name)]);

/** Each message a trigger accepted, by its key: a redelivery finds its run and makes no second. */
export const triggerDeliveries = sqliteTable("trigger_deliveries", {
  triggerId: text("trigger_id").notNull(),
  key: text("key").notNull(),
  runId: text("run_id").notNull(),
  receivedAt: integer("received_at").notNull(),
}, (t) => [
  primaryKey({ columns: [t.triggerId, t.key] }),
  // A stream writes one a message: retention finds the old ones by age.
  index("trigger_deliveries_received_idx").on(t.receivedAt),
]);
