/**
 * Retention: events, task log lines, finished runs (with the tasks only they
 * needed) and audit entries past their ages are deleted by whichever hub's
 * timer gets there first, a small batch per write so that other writes go
 * between and no batch holds the database for long. Each pass reports its
 * batches' times inside their transactions (and `/metrics` counts them).
 */
import type { Logger } from "../../shared/log.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import type { WriteQueue } from "../db/write_queue.ts";
import type { Reader, Tx } from "../db/client.ts";
import { PRUNE_BATCH, pruneHistory } from "../ops/prune_history.ts";
import { pruneRuns, RUN_PRUNE_BATCH } from "../ops/prune_runs.ts";
import { pruneTasks, type TaskPruneState } from "../ops/prune_tasks.ts";
import { type PruneCutoffs, type PrunePreview, prunePreview } from "../queries/prune_preview.ts";

/** How long each kind of row is kept (ms; null: forever). */
export interface RetentionSettings {
  eventRetentionMs: number;
  taskLogRetentionMs: number;
  runRetentionMs: number | null;
  auditRetentionMs: number | null;
}

/** Defaults: events 24 h, log lines 7 days, finished runs 30 days, audit entries 400 days. */
export const RETENTION_DEFAULTS: RetentionSettings = {
  eventRetentionMs: 86_400_000,
  taskLogRetentionMs: 7 * 86_400_000,
  runRetentionMs: 30 * 86_400_000,
  auditRetentionMs: 400 * 86_400_000,
};

/** What one pass deleted. */
export interface PruneReport {
  events: number;
  taskLogs: number;
  runs: number;
  backfills: number;
  tasks: number;
  attempts: number;
  publications: number;
  audit: number;
  /** Writes it took, and the time they spent inside their transactions: p99 and longest. */
  batches: number;
  p99BatchMs: number;
  maxBatchMs: number;
  /** False when the time budget ran out with more to delete. */
  finished: boolean;
}

/** The cutoffs retention uses at `now`. */
export interface RetentionCutoffs extends PruneCutoffs {
  eventsBefore: number;
  logsBefore: number;
}

/** Deletes what is past its retention. */
export class Retention {
  readonly #queue: WriteQueue;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #metrics: Pick<HubMetrics, "pruned"> | undefined;
  readonly settings: RetentionSettings;
  readonly #tasks: TaskPruneState = { cursor: null, frontier: [] };
  #running: Promise<PruneReport> | null = null;

  constructor(d: {
    queue: WriteQueue;
    now: () => number;
    log: Logger;
    settings?: Partial<RetentionSettings>;
    /** Counts what each pass deleted (after its batches committed). */
    metrics?: Pick<HubMetrics, "pruned">;
  }) {
    this.#queue = d.queue;
    this.#now = d.now;
    this.#log = d.log;
    this.#metrics = d.metrics;
    this.settings = { ...RETENTION_DEFAULTS, ...d.settings };
  }

  /** The cutoffs as of now. */
  cutoffs(): RetentionCutoffs {
    const now = this.#now();
    const s = this.settings;
    return {
      eventsBefore: now - s.eventRetentionMs,
      logsBefore: now - s.taskLogRetentionMs,
      runsBefore: s.runRetentionMs === null ? null : now - s.runRetentionMs,
      auditBefore: s.auditRetentionMs === null ? null : now - s.auditRetentionMs,
    };
  }

  /** What a pass would delete now, and the cutoffs it would use. */
  async preview(read: <T>(fn: (db: Reader) => Promise<T>) => Promise<T>): Promise<
    { cutoffs: RetentionCutoffs; wouldDelete: PrunePreview }
  > {
    const cutoffs = this.cutoffs();
    return { cutoffs, wouldDelete: await read((db) => prunePreview(db, cutoffs)) };
  }

  /**
   * Deletes batch after batch until nothing is left or `budgetMs` of wall
   * time has passed (the timer gives 2 s a minute). One pass at a time.
   */
  prune(budgetMs = 2_000): Promise<PruneReport> {
    this.#running ??= this.#prune(budgetMs).finally(() => this.#running = null);
    return this.#running;
  }

  async #prune(budgetMs: number): Promise<PruneReport> {
    const report: PruneReport = {
      events: 0,
      taskLogs: 0,
      runs: 0,
      backfills: 0,
      tasks: 0,
      attempts: 0,
      publications: 0,
      audit: 0,
      batches: 0,
      p99BatchMs: 0,
      maxBatchMs: 0,
      finished: false,
    };
    const deadline = performance.now() + budgetMs;
    const times: number[] = [];
    const cutoffs = this.cutoffs();
    let deletedInWalk = false;
    do {
      const history = await this.#batch(times, (tx) => pruneHistory(tx, cutoffs));
      const runs = await this.#batch(times, (tx) => pruneRuns(tx, cutoffs));
      let tasks = 0;
      let walkDone = true;
      if (cutoffs.runsBefore !== null) {
        const before = cutoffs.runsBefore;
        const t = await this.#batch(times, (tx) => pruneTasks(tx, before, this.#tasks));
        tasks = t.tasks;
        walkDone = t.wrapped && this.#tasks.frontier.length === 0;
        report.tasks += t.tasks;
        report.attempts += t.attempts;
        report.publications += t.publications;
        report.taskLogs += t.taskLogs;
      }
      report.events += history.events;
      report.taskLogs += history.taskLogs;
      report.runs += runs.runs;
      report.backfills += runs.backfills;
      report.audit += runs.audit;
      const more = history.events >= PRUNE_BATCH || history.taskLogs >= PRUNE_BATCH ||
        runs.runs >= RUN_PRUNE_BATCH || runs.members > 0 || runs.audit >= RUN_PRUNE_BATCH ||
        tasks > 0;
      if (more) deletedInWalk = true;
      // Tasks are done once a whole walk over old settled tasks deleted nothing.
      if (walkDone) {
        if (!deletedInWalk) {
          report.finished = true;
          break;
        }
        deletedInWalk = false;
      }
    } while (performance.now() < deadline);
    this.#metrics?.pruned({
      runs: report.runs,
      tasks: report.tasks,
      attempts: report.attempts,
      publications: report.publications,
      task_logs: report.taskLogs,
      events: report.events,
      audit: report.audit,
      backfills: report.backfills,
    }, times);
    times.sort((a, b) => a - b);
    report.batches = times.length;
    report.p99BatchMs = times[Math.ceil(times.length * 0.99) - 1] ?? 0;
    report.maxBatchMs = times.at(-1) ?? 0;
    const deleted = report.events + report.taskLogs + report.runs + report.tasks + report.audit;
    if (deleted > 0) this.#log.info("retention pruned", { ...report });
    return report;
  }

  async #batch<T>(times: number[], op: (tx: Tx) => Promise<T>): Promise<T> {
    return await this.#queue.write(async (tx) => {
      const start = performance.now();
      const result = await op(tx);
      times.push(performance.now() - start);
      return result;
    });
  }
}
