/**
 * What operators do to runs and tasks: submit runs and backfills, cancel,
 * retry, mark done. Each validates, writes through one database operation,
 * tells the workers concerned (revoked leases) and the dispatcher (new work).
 * A request that cannot be served is a {@link RequestError}.
 */
import type { Logger } from "../../shared/log.ts";
import type { Selector } from "../../shared/selector.ts";
import type { TaskState } from "../../shared/states.ts";
import { newId } from "../db/new_id.ts";
import type { WriteQueue } from "../db/write_queue.ts";
import { advanceBackfills } from "../ops/advance_backfills.ts";
import { cancelRunTasks, cancelTasks } from "../ops/cancel_tasks.ts";
import { createBackfill } from "../ops/create_backfill.ts";
import { markTaskDone } from "../ops/mark_task_done.ts";
import { type Retried, retryRunTasks, retryTasks } from "../ops/retry_tasks.ts";
import { submitRun } from "../ops/submit_run.ts";
import { backfillStatus } from "../queries/backfill_status.ts";
import { runRoot, taskState } from "../queries/task_state.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { FamilyRegistry, RegisteredFamily } from "./family_registry.ts";
import { findFamily } from "./find_family.ts";
import { type BackfillRequest, planBackfill } from "./plan_backfill.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import { RequestError } from "./request_error.ts";
import type { WorkerLinks } from "./worker_links.ts";

/** What the run and fleet commands need. */
export interface CommandDeps {
  queue: WriteQueue;
  registry: FamilyRegistry;
  links: WorkerLinks;
  dispatcher: Dispatcher;
  now: () => number;
  log: Logger;
  metrics: HubMetrics;
}

/** A run as submitted through the API. */
export interface RunRequest {
  family: string;
  version?: number;
  params: Record<string, unknown>;
  /** Higher runs first; everything the run needs inherits it. */
  priority?: number;
  /** Overrides the family's pin for the root task. */
  pin?: Selector;
  /** Regions in order of preference, with spill-over. */
  prefer?: { label: string; values: string[]; spillAfterMs: number };
  /** Who submits it (a token's name, an SSO user). */
  submittedBy?: string | null;
}

const FINAL: readonly TaskState[] = ["done", "failed", "cancelled"];

/** Operator actions on runs and tasks. */
export class RunCommands {
  readonly #d: CommandDeps;

  constructor(deps: CommandDeps) {
    this.#d = deps;
  }

  /** Submits a run of a family's latest (or given) version. */
  async submit(r: RunRequest): Promise<{ runId: string; taskId: string; rootState: TaskState }> {
    const family = await this.#family(r.family, r.version);
    const parsed = parseParams(this.#d.registry, family, r.params);
    const runId = newId("run");
    const result = await this.#d.queue.write((tx) =>
      submitRun(tx, {
        runId,
        taskId: parsed.id,
        family: family.name,
        version: family.version,
        params: parsed.params,
        families: this.#d.registry.defaults,
        priority: r.priority,
        pin: r.pin,
        prefer: r.prefer,
        submittedBy: r.submittedBy ?? null,
        now: this.#d.now(),
      })
    );
    this.#d.dispatcher.kick(true);
    this.#d.log.info("run submitted", {
      runId,
      taskId: parsed.id,
      family: family.name,
      created: result.created,
    });
    return { runId, taskId: parsed.id, rootState: result.rootState };
  }

  /** Starts a backfill: one run per day, days already complete skipped. */
  async backfill(
    r: BackfillRequest & {
      family: string;
      version?: number;
      maxConcurrent?: number;
      priority?: number;
      submittedBy?: string | null;
    },
  ): Promise<{ backfillId: string; days: number; skipped: number; submitted: number }> {
    const family = await this.#family(r.family, r.version);
    const { param, days } = planBackfill(this.#d.registry, family, r);
    const backfillId = newId("bf");
    const skipped = await this.#d.queue.write((tx) =>
      createBackfill(tx, {
        id: backfillId,
        family: family.name,
        version: family.version,
        param,
        params: r.params,
        days,
        maxConcurrent: r.maxConcurrent ?? null,
        priority: r.priority ?? family.priority,
        submittedBy: r.submittedBy ?? null,
        now: this.#d.now(),
      })
    );
    // The first days start now rather than at the next tick.
    await this.advanceBackfills();
    const status = await this.#d.queue.read((db) => backfillStatus(db, backfillId));
    this.#d.log.info("backfill submitted", {
      backfillId,
      family: family.name,
      from: r.from,
      to: r.to,
      days: days.length,
      skipped,
    });
    return { backfillId, days: days.length, skipped, submitted: status?.submitted ?? 0 };
  }

  /** Submits the next days of running backfills; returns how many runs were submitted. */
  async advanceBackfills(): Promise<number> {
    const now = this.#d.now();
    const submitted = await this.#d.queue.write((tx) =>
      advanceBackfills(tx, this.#d.registry.defaults, now)
    );
    if (submitted > 0) this.#d.dispatcher.kick(true);
    return submitted;
  }

  /** Cancels every unfinished task of a run; running ones are stopped on their workers. */
  async cancelRun(runId: string, reason: string): Promise<{ runId: string; cancelled: number }> {
    const root = await this.#root(runId);
    const now = this.#d.now();
    const result = await this.#d.queue.write((tx) => cancelRunTasks(tx, root, reason, now));
    this.#d.metrics.tasksCancelled(result.families);
    this.#afterCancel(result.revoked, reason);
    const cancelled = result.cancelled.length;
    this.#d.log.info("run cancelled", { runId, taskId: root, cancelled, reason });
    return { runId, cancelled: result.cancelled.length };
  }

  /** Cancels one unfinished task; what waits on it is blocked. */
  async cancelTask(id: string, reason: string): Promise<{ taskId: string; state: "cancelled" }> {
    const state = await this.#stateOf(id);
    if (FINAL.includes(state)) {
      throw new RequestError(409, "task_final", `Task "${id}" is already ${state}`);
    }
    const now = this.#d.now();
    const result = await this.#d.queue.write((tx) => cancelTasks(tx, [id], reason, now));
    this.#d.metrics.tasksCancelled(result.families);
    this.#afterCancel(result.revoked, reason);
    this.#d.log.info("task cancelled", { taskId: id, reason });
    return { taskId: id, state: "cancelled" };
  }

  /** Puts a run's failed and cancelled tasks back in the queue. */
  async retryRun(runId: string): Promise<{ runId: string } & Retried> {
    const root = await this.#root(runId);
    const now = this.#d.now();
    const result = await this.#d.queue.write((tx) => retryRunTasks(tx, root, now));
    this.#d.dispatcher.kick(true);
    this.#d.log.info("run retried", { runId, taskId: root, retried: result.retried.length });
    return { runId, ...result };
  }

  /** Puts a failed or cancelled task back in the queue; unblocks what it blocked. */
  async retryTask(id: string): Promise<{ taskId: string; state: TaskState; unblocked: number }> {
    const state = await this.#stateOf(id);
    if (state !== "failed" && state !== "cancelled") {
      throw new RequestError(
        409,
        "task_not_retryable",
        `Task "${id}" is ${state}: only failed or cancelled tasks can be retried`,
      );
    }
    const now = this.#d.now();
    const { unblocked } = await this.#d.queue.write((tx) => retryTasks(tx, [id], now));
    this.#d.dispatcher.kick(true);
    this.#d.log.info("task retried", { taskId: id, unblocked: unblocked.length });
    return { taskId: id, state: await this.#stateOf(id), unblocked: unblocked.length };
  }

  /**
   * Marks a task done by hand; a worker running it is told to stop (its
   * epoch is fenced out) and what waits on it goes ahead.
   */
  async markDone(
    id: string,
    reason: string,
    actor: string | null,
  ): Promise<{ taskId: string; state: "done"; readied: number; previous: TaskState }> {
    const now = this.#d.now();
    const result = await this.#d.queue.write((tx) => markTaskDone(tx, id, reason, actor, now));
    if (!result) throw notFound(id);
    if (result.previous === "done") {
      throw new RequestError(409, "task_final", `Task "${id}" is already done`);
    }
    if (result.revoked) this.#d.links.revoke([result.revoked], `marked done: ${reason}`);
    this.#d.dispatcher.kick(true);
    this.#d.log.info("task marked done", { taskId: id, reason, previous: result.previous });
    return {
      taskId: id,
      state: "done",
      readied: result.propagation.readied,
      previous: result.previous,
    };
  }

  #afterCancel(revoked: Parameters<WorkerLinks["revoke"]>[0], reason: string): void {
    this.#d.links.revoke(revoked, reason);
    if (revoked.length > 0) this.#d.dispatcher.kick(true);
  }

  #family(name: string, version: number | undefined): Promise<RegisteredFamily> {
    const { registry, queue } = this.#d;
    return findFamily(registry, () => registry.reload(queue), name, version);
  }

  async #root(runId: string): Promise<string> {
    const root = await this.#d.queue.read((db) => runRoot(db, runId));
    if (!root) throw new RequestError(404, "run_not_found", `Run "${runId}" does not exist`);
    return root;
  }

  async #stateOf(id: string): Promise<TaskState> {
    const state = await this.#d.queue.read((db) => taskState(db, id));
    if (!state) throw notFound(id);
    return state;
  }
}

/** The submitted params, validated by the family's schema, with the task id; a 400 otherwise. */
function parseParams(
  registry: FamilyRegistry,
  family: RegisteredFamily,
  params: unknown,
): { params: unknown; id: string } {
  try {
    return registry.parseSubmission(family, params);
  } catch (error) {
    const e = error as Error & { field?: string | null };
    throw new RequestError(400, "invalid_params", e.message, { field: e.field ?? "params" });
  }
}

function notFound(id: string): RequestError {
  return new RequestError(404, "task_not_found", `Task "${id}" does not exist`);
}
