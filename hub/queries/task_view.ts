/** How the API shows a task row. */
import { sql } from "drizzle-orm";
import type { Task } from "../../shared/api_schemas.ts";
import type { TaskState } from "../../shared/states.ts";

/** The columns {@link toTask} reads, as SQL text: the task's, and its family's `disabled_until`. */
export const TASK_COLUMNS_TEXT = `tasks.*, (SELECT disabled_until FROM families f
  WHERE f.name = tasks.family AND f.version = tasks.version) AS disabled_until`;
/** {@link TASK_COLUMNS_TEXT} for drizzle's `sql`. */
export const TASK_COLUMNS = sql.raw(TASK_COLUMNS_TEXT);

/** A `tasks` row, with its family's `disabled_until`. */
export interface TaskRow {
  id: string;
  family: string;
  version: number;
  params: string;
  state: TaskState;
  kind: "expand" | "run";
  pin: string;
  priority: number;
  has_run: number | null;
  pending_deps: number;
  attempt: number;
  max_attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_epoch: number;
  lease_expires_at: number | null;
  status_message: string | null;
  progress: number | null;
  last_error: string | null;
  blocked_by: string | null;
  resources: string;
  dynamic_rounds: number;
  external_checks: number;
  external_deadline_at: number | null;
  disabled_until?: number | null;
  created_at: number;
  updated_at: number;
  ready_at: number | null;
  started_at: number | null;
  finished_at: number | null;
}

/** A task as the API shows it; `now` decides whether its family is still disabled. */
export function toTask(r: TaskRow, now: number): Task {
  return {
    id: r.id,
    family: r.family,
    version: r.version,
    params: JSON.parse(r.params),
    state: r.state,
    next: r.kind,
    pin: r.pin ? JSON.parse(r.pin) : {},
    priority: r.priority,
    wrapper: r.has_run === 0,
    pendingDeps: r.pending_deps,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    nextAttemptAt: r.next_attempt_at || null,
    lease: r.state === "leased"
      ? { workerId: r.lease_owner, epoch: r.lease_epoch, expiresAt: r.lease_expires_at }
      : null,
    epoch: r.lease_epoch,
    status: r.status_message,
    progress: r.progress,
    lastError: r.last_error ? JSON.parse(r.last_error) : null,
    blockedBy: r.blocked_by,
    resources: JSON.parse(r.resources),
    dynamicRounds: r.dynamic_rounds,
    external: r.external_deadline_at !== null
      ? { checks: r.external_checks, deadlineAt: r.external_deadline_at }
      : null,
    /** The family is disabled after too many failures: the task will not start before this. */
    disabledUntil: r.disabled_until && r.disabled_until > now ? r.disabled_until : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    readyAt: r.ready_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** JSON text parsed, or the text itself when it is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
