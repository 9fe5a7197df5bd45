/**
 * The hub's own instruments, registered on one hub's registry: database
 * commits and errors, WebSocket frames, HTTP requests, the heartbeat and
 * the build.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Database, wire and hub instruments. */
export function hubInstruments(registry: Registry) {
  const registers = [registry];
  return {
    commitDuration: new Histogram({
      name: "drover_db_commit_duration_seconds",
      help: "Duration of a group-commit transaction, from BEGIN to COMMIT",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    commitOperations: new Histogram({
      name: "drover_db_commit_operations",
      help: "Operations written by one group commit",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    }),
    commits: new Counter({
      name: "drover_db_commits_total",
      help: "Group-commit transactions committed",
      registers,
    }),
    errors: new Counter({
      name: "drover_db_errors_total",
      help: "Database errors by kind: busy, locked, constraint, io, connection, conflict, other",
      labelNames: ["kind"],
      registers,
    }),
    writeQueuePending: new Gauge({
      name: "drover_db_write_queue_pending",
      help: "Operations waiting for this hub's next group commit",
      registers,
    }),
    busyRetries: new Counter({
      name: "drover_db_busy_retries_total",
      help: "Group commits tried again because the database stayed busy past its busy timeout",
      registers,
    }),
    framesIn: new Counter({
      name: "drover_ws_frames_received_total",
      help: "WebSocket frames received from workers, by frame type (invalid: did not parse)",
      labelNames: ["type"],
      registers,
    }),
    framesOut: new Counter({
      name: "drover_ws_frames_sent_total",
      help: "WebSocket frames sent to workers, by frame type",
      labelNames: ["type"],
      registers,
    }),
    http: new Counter({
      name: "drover_http_requests_total",
      help: "HTTP requests answered, by method, route template (unmatched: no route) and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    retentionDeleted: new Counter({
      name: "drover_retention_deleted_total",
      help: "Rows retention deleted, by kind: runs, tasks, attempts, publications, task_logs, " +
        "events, audit, backfills",
      labelNames: ["kind"],
      registers,
    }),
    retentionBatch: new Histogram({
      name: "drover_retention_batch_seconds",
      help: "Time one retention batch spent inside its transaction",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    scheduleFires: new Counter({
      name: "drover_schedule_fires_total",
      help: "Runs a schedule fired (on any hub: each counts its own)",
      labelNames: ["schedule"],
      registers,
    }),
    scheduleSkips: new Counter({
      name: "drover_schedule_skips_total",
      help: "Nominal times a schedule passed over, by reason: overlap (its previous run was " +
        "going), missed (the catch-up policy), invalid (its run could not be made)",
      labelNames: ["schedule", "reason"],
      registers,
    }),
    scheduleLateness: new Histogram({
      name: "drover_schedule_lateness_seconds",
      help: "How long after its nominal time a schedule's run was fired",
      labelNames: ["schedule"],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    }),
    scheduleBehind: new Gauge({
      name: "drover_schedule_behind_seconds",
      help: "How long an active schedule's next time has been due and not fired (about 0 " +
        "while a hub fires it); read from the database at scrape time",
      labelNames: ["schedule"],
      registers,
    }),
    heartbeat: new Gauge({
      name: "drover_hub_heartbeat_timestamp_seconds",
      help: "When this hub last wrote its heartbeat row (Unix seconds)",
      registers,
    }),
    build: new Gauge({
      name: "drover_build_info",
      help: "Always 1; the labels say which Drover and Deno this hub runs",
      labelNames: ["version", "deno"],
      registers,
    }),
  };
}

/** What {@link hubInstruments} makes. */
export type HubInstruments = ReturnType<typeof hubInstruments>;
