/** What a parsed `drover` command line asks for (see `args.ts`). */
import type { Labels, Selector } from "../shared/selector.ts";
import type { RunState, TaskState } from "../shared/states.ts";
import type { PauseKind, TokenRole } from "../shared/api_schemas_admin.ts";

/** What the id of `retry` or `cancel` names: a run or a task. */
export type Target = "run" | "task";

/** What to do, with its arguments. */
export type Command =
  | { name: "help"; topic: string | null }
  /** Runs a hub or a worker in this process, configured by `DROVER_*` variables. */
  | { name: "hub" }
  | { name: "worker" }
  | {
    name: "submit";
    family: string;
    params: string[];
    priority: number | null;
    /** `--pin`: the label selector the run's root task is pinned to. */
    pin: Selector | null;
    wait: boolean;
  }
  | {
    name: "backfill";
    family: string;
    from: string;
    to: string;
    /** `--param-name`: the parameter that takes each day. */
    paramName: string | null;
    params: string[];
    maxConcurrent: number | null;
    priority: number | null;
    wait: boolean;
  }
  | {
    name: "schedule";
    action: "create" | "list" | "show" | "pause" | "resume" | "trigger" | "delete";
    scheduleName: string | null;
    /** `create`: what to create, its parameters still `NAME=VALUE` (converted with the family's schema). */
    draft: ScheduleDraft | null;
    reason: string | null;
  }
  | {
    name: "hook";
    action: "create" | "list" | "delete";
    hookName: string | null;
    /** `create`: the hook, its fixed parameters still `NAME=VALUE`. */
    draft: {
      family: string;
      params: string[];
      mapping: Record<string, string>;
      idempotencyKey: { header: string } | { field: string } | null;
      secret: string | null;
      priority: number | null;
    } | null;
  }
  | {
    name: "trigger";
    action: "create" | "list" | "show" | "pause" | "resume" | "delete";
    triggerName: string | null;
    /** `create`: the trigger, its source as the API takes it, its parameters still `NAME=VALUE`. */
    draft: {
      family: string;
      source: Record<string, unknown>;
      params: string[];
      mapping: Record<string, string>;
      keyField: string | null;
      priority: number | null;
      paused: boolean;
    } | null;
    reason: string | null;
  }
  | { name: "status"; runId: string }
  | {
    name: "runs";
    state: RunState | null;
    family: string | null;
    limit: number | null;
    cursor: string | null;
  }
  /** `target`: from `--run` or `--task`; null: ask the hub (see `resolve_target.ts`). */
  | { name: "retry"; id: string; target: Target | null; wait: boolean }
  | { name: "cancel"; id: string; target: Target | null; reason: string | null }
  | { name: "done"; taskId: string; reason: string }
  | {
    name: "tasks";
    run: string | null;
    state: TaskState | null;
    family: string | null;
    limit: number | null;
  }
  | { name: "task"; taskId: string }
  /** `attempt`: only that attempt's lines; `follow`: until the task is over. */
  | { name: "logs"; taskId: string; attempt: number | null; follow: boolean }
  | { name: "pause"; kind: PauseKind; value: string; reason: string | null }
  | { name: "resume"; kind: PauseKind; value: string }
  | { name: "pauses" }
  | { name: "workers" }
  | { name: "cordon" | "uncordon" | "drain"; worker: string }
  | {
    name: "token";
    action: "create" | "list" | "revoke" | "generate";
    id: string | null;
    role: TokenRole | null;
    /** `--scope`: the labels a worker token's worker must carry. */
    scope: Labels | null;
    tokenName: string | null;
  }
  | {
    name: "audit";
    action: string | null;
    /** `--actor`: a token id or name. */
    actor: string | null;
    /** `--target`: the id the entries are about. */
    target: string | null;
    limit: number | null;
    cursor: string | null;
  }
  | { name: "resources"; set: { name: string; limit: number } | null }
  | { name: "db"; action: "backup"; file: string }
  | { name: "db"; action: "prune"; dryRun: boolean }
  | { name: "families" };

/** A parsed command line. */
export interface Invocation {
  command: Command;
  json: boolean;
  /** `--url`, when given. */
  url: string | null;
  /** `--token`, when given. */
  token: string | null;
}

/** A schedule to create, from `drover schedule create`'s options. */
export interface ScheduleDraft {
  family: string;
  params: string[];
  timeParams: Record<string, "date" | "datetime" | "epoch_ms">;
  cron: string | null;
  intervalMs: number | null;
  zone: string | null;
  catchUp: { mode: "none" | "latest" } | { mode: "all"; windowMs: number; max: number } | null;
  overlap: "allow" | "skip" | "buffer" | "cancel" | null;
  jitterMs: number | null;
  startAt: string | null;
  endAt: string | null;
  priority: number | null;
}
