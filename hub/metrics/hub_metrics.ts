/**
 * What the hub measures, as its parts report it. The service layer calls
 * these methods after the write they describe has committed (the write
 * queue settles a caller's promise only after the commit), so what is
 * counted is what is durable. With `DROVER_METRICS=off` the hub holds
 * {@link NO_METRICS}, whose methods do nothing.
 *
 * Labels are bounded: families, regions, lease kinds, frame types, route
 * templates and statuses, and (for the figures workers report) the names of
 * the workers connected now. Never a task id, a run id or a parameter value.
 */
import type { LeaseKind } from "../db/schema.ts";

/** A lease sent to a worker. */
export interface GrantMeasure {
  kind: LeaseKind;
  /** When the task became claimable (ready, and past any retry backoff). */
  queuedAt: number;
}

/** A task a worker published. */
export interface PublishedMeasure {
  family: string;
  /** The lease's start to the publication, ms. */
  durationMs: number;
  /** Attempts the task took, this one included. */
  attempts: number;
}

/** A task whose lease expired and was reaped. */
export interface ExpiredMeasure {
  family: string;
  kind: LeaseKind;
  /** `failed` when that was its last attempt. */
  state: "ready" | "failed";
  attempts: number;
}

/** What became of a trigger's message on this hub. */
export type TriggerOutcome = "run" | "duplicate" | "rejected" | "retried";

/** The hub's instruments. */
export interface HubMetrics {
  /** False for {@link NO_METRICS}: `/metrics` answers 404. */
  readonly enabled: boolean;
  /** Leases sent to a worker whose `region` label is `region` (`none` without one). */
  leasesGranted(grants: readonly GrantMeasure[], region: string | undefined, now: number): void;
  /** Leases renewed and renewals refused. */
  leasesRenewed(renewed: number, refused: number): void;
  /** A run's outputs were published: the task is done. */
  taskPublished(task: PublishedMeasure): void;
  /** A repeated completion (same idempotency key) was answered with the first answer. */
  duplicateCompletion(): void;
  /** A completion was refused: its lease was stale. */
  completionRefused(family: string): void;
  /** An attempt failed: `ready` when another is scheduled, `failed` when none is. */
  attemptFailed(family: string, kind: LeaseKind, state: "ready" | "failed", attempts: number): void;
  /** Tasks the hub itself failed for good (external data missing, too many dynamic rounds). */
  tasksFailed(families: readonly string[]): void;
  /** Leases the reaper took back. */
  leasesExpired(expired: readonly ExpiredMeasure[]): void;
  /** Tasks an operator cancelled (one family per task). */
  tasksCancelled(families: readonly string[]): void;
  /** A group commit: its duration and number of operations. */
  committed(ms: number, operations: number): void;
  /** A database error (a failed commit, an operation's or a read's error). */
  databaseError(error: unknown): void;
  /** A group commit tried again after the database stayed busy. */
  busyRetry(): void;
  /** A WebSocket frame received from a worker (`invalid` when it did not parse). */
  frameReceived(type: string): void;
  /** A WebSocket frame sent to a worker. */
  frameSent(type: string): void;
  /** An HTTP request answered, by its route template (`unmatched` when none). */
  httpRequest(method: string, route: string, status: number): void;
  /** Rows a retention pass deleted, by kind, and each of its batches' times (ms). */
  pruned(deleted: Readonly<Record<string, number>>, batchMs: readonly number[]): void;
  /** A schedule fired a run, `lateMs` after its nominal time. */
  scheduleFired(schedule: string, lateMs: number): void;
  /** A schedule passed over `count` nominal times: `overlap`, `missed` (catch-up) or `invalid`. */
  scheduleSkipped(schedule: string, reason: string, count: number): void;
  /**
   * A trigger's messages this hub handled, by outcome: `run` (a run made),
   * `duplicate` (a redelivery found its run), `rejected`, `retried`.
   */
  triggerMessages(trigger: string, outcome: TriggerOutcome, count: number): void;
  /** This hub's heartbeat row was written at `at` (ms). */
  heartbeat(at: number): void;
  /** Every metric in Prometheus' text format, the figures read at scrape time read now. */
  scrape(): Promise<{ contentType: string; body: string }>;
}
