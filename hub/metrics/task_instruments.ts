/** The counters and histograms of tasks and leases, registered on one hub's registry. */
import { Counter, Histogram, type Registry } from "prom-client";

/** Seconds, from 5 ms to 2 h: task durations and queueing times. */
const SECONDS = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  120,
  300,
  600,
  1800,
  3600,
  7200,
];

/** The outcomes `drover_task_outcomes_total` counts. */
export const OUTCOMES = [
  "done",
  "failed",
  "retried",
  "cancelled",
  "expired",
  "refused_stale",
] as const;

/** A task outcome. */
export type Outcome = typeof OUTCOMES[number];

/** Task and lease instruments. */
export function taskInstruments(registry: Registry) {
  const registers = [registry];
  return {
    outcomes: new Counter({
      name: "drover_task_outcomes_total",
      help: "Task outcomes committed by this hub: done (published by a worker), failed (for " +
        "good: no attempt left, a permanent error, external data missing), retried (an attempt failed, another is scheduled), cancelled, expired " +
        "(a lease was reaped), refused_stale (a completion with a stale lease was refused)",
      labelNames: ["family", "outcome"],
      registers,
    }),
    duration: new Histogram({
      name: "drover_task_duration_seconds",
      help: "Time from a run lease's start to the task's publication",
      labelNames: ["family"],
      buckets: SECONDS,
      registers,
    }),
    queued: new Histogram({
      name: "drover_task_queued_seconds",
      help: "Time a task waited, claimable, before a worker got its lease (queued to started); " +
        "region is the region label of that worker",
      labelNames: ["region"],
      buckets: [0.001, 0.0025, ...SECONDS],
      registers,
    }),
    attempts: new Histogram({
      name: "drover_task_attempts",
      help: "Attempts a task took, observed when it was done or failed for good",
      labelNames: ["family"],
      buckets: [1, 2, 3, 4, 5, 7, 10, 15, 20],
      registers,
    }),
    grants: new Counter({
      name: "drover_lease_grants_total",
      help: "Leases sent to workers (each member of a batch counts)",
      labelNames: ["kind"],
      registers,
    }),
    renewals: new Counter({
      name: "drover_lease_renewals_total",
      help: "Leases renewed by workers' heartbeats",
      registers,
    }),
    renewalsRefused: new Counter({
      name: "drover_lease_renewals_refused_total",
      help: "Lease renewals refused (lost, expired or cancelled leases)",
      registers,
    }),
    expiries: new Counter({
      name: "drover_lease_expiries_total",
      help: "Expired leases reaped by this hub",
      labelNames: ["kind"],
      registers,
    }),
    staleCompletions: new Counter({
      name: "drover_lease_stale_completions_total",
      help: "Completions refused because their lease was no longer current",
      registers,
    }),
    duplicates: new Counter({
      name: "drover_lease_duplicate_completions_total",
      help: "Repeated completions (same idempotency key) absorbed with the first answer",
      registers,
    }),
  };
}

/** What {@link taskInstruments} makes. */
export type TaskInstruments = ReturnType<typeof taskInstruments>;
