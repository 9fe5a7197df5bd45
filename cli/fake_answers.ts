/**
 * Test support: the hub's answers in their full shape (`shared/api_schemas*.ts`),
 * each with plausible defaults that a test overrides where it matters.
 */
import type { FamilyDetail, RunStatus, Task, TaskDetail } from "../shared/api_schemas.ts";
import type { BackfillStatus } from "../shared/api_schemas_backfills.ts";
import type { AuditEntry, Pause, TokenCreated, Worker } from "../shared/api_schemas_admin.ts";

/**
 * A run as `GET /api/runs/{id}` answers it: `run_1`, done, with no tasks.
 * Unless given, its summary counts what `counts` holds as done in this run.
 */
export function fakeRun(overrides: Partial<RunStatus> = {}): RunStatus {
  const n = (state: string) => overrides.counts?.[state] ?? 0;
  return {
    runId: "run_1",
    rootTaskId: "Agg_1_ab",
    family: "Agg",
    params: {},
    state: "done",
    submittedBy: null,
    createdAt: 0,
    finishedAt: 10,
    total: 0,
    counts: {},
    failed: [],
    blocked: [],
    summary: {
      alreadyDone: 0,
      completed: n("done"),
      failed: n("failed"),
      blocked: n("blocked"),
      cancelled: n("cancelled"),
      pending: n("waiting") + n("ready") + n("leased"),
    },
    ...overrides,
  };
}

/** A task as `GET /api/tasks` lists it: ready, never attempted. */
export function fakeTask(overrides: Partial<Task> = {}): Task {
  const id = overrides.id ?? "Agg_1_ab";
  return {
    id,
    family: id.split("_")[0]!,
    version: 1,
    params: {},
    state: "ready",
    next: "run",
    pin: {},
    priority: 0,
    wrapper: false,
    pendingDeps: 0,
    attempt: 0,
    maxAttempts: 3,
    nextAttemptAt: null,
    lease: null,
    epoch: 0,
    status: null,
    progress: null,
    lastError: null,
    blockedBy: null,
    resources: {},
    dynamicRounds: 0,
    external: null,
    disabledUntil: null,
    createdAt: 0,
    updatedAt: 0,
    readyAt: 0,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

/** A task as `GET /api/tasks/{id}` answers it: no neighbours, attempts or publication. */
export function fakeTaskDetail(overrides: Partial<TaskDetail> = {}): TaskDetail {
  return {
    ...fakeTask(overrides),
    dependencies: [],
    dependents: 0,
    attempts: [],
    publication: null,
    unschedulable: null,
    codeConflict: null,
    ...overrides,
  };
}

/** A family as `GET /api/families/{name}` answers it: version 1, no parameters. */
export function fakeFamily(overrides: Partial<FamilyDetail> = {}): FamilyDetail {
  return {
    name: "Agg",
    version: 1,
    description: null,
    paramsSchema: { type: "object", properties: {} },
    pin: {},
    retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 },
    hasRun: true,
    priority: 0,
    timeoutMs: null,
    options: {},
    disabledUntil: null,
    schemaHash: "0123456789abcdef",
    codeConflict: null,
    versions: [overrides.version ?? 1],
    ...overrides,
  };
}

/** A backfill as `GET /api/backfills/{id}` answers it: `bf_1`, running, no days yet. */
export function fakeBackfill(overrides: Partial<BackfillStatus> = {}): BackfillStatus {
  return {
    backfillId: "bf_1",
    family: "Load",
    version: 1,
    param: "runDate",
    from: "2026-11-01",
    to: "2026-11-01",
    maxConcurrent: null,
    priority: 0,
    submittedBy: null,
    createdAt: 0,
    days: 1,
    skipped: 0,
    submitted: 0,
    pending: 1,
    done: 0,
    failed: 0,
    running: 0,
    state: "running",
    runs: [],
    ...overrides,
  };
}

/** A connected worker as `GET /api/workers` lists it. */
export function fakeWorker(overrides: Partial<Worker> = {}): Worker {
  return {
    id: "w_1",
    name: "edge-1",
    labels: {},
    version: "1.0.0",
    slots: 4,
    hubId: "hub",
    state: "connected",
    cordoned: false,
    draining: false,
    connectedAt: 0,
    lastSeenAt: 0,
    leases: 0,
    ...overrides,
  };
}

/** A token as `POST /api/tokens` answers it, secret included. */
export function fakeCreatedToken(overrides: Partial<TokenCreated> = {}): TokenCreated {
  return {
    id: "tok_0123456789ab",
    role: "worker",
    scope: {},
    name: "",
    createdAt: 0,
    revokedAt: null,
    lastUsedAt: null,
    token: `drv_tok_0123456789ab_${"x".repeat(43)}`,
    ...overrides,
  };
}

/** A pause as `GET /api/pauses` lists it. */
export function fakePause(overrides: Partial<Pause> = {}): Pause {
  return {
    kind: "family",
    value: "Agg",
    reason: null,
    createdBy: null,
    createdAt: 0,
    ...overrides,
  };
}

/** An entry of `GET /api/audit`: an allowed run submission. */
export function fakeAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 1,
    at: 0,
    tokenId: null,
    actor: null,
    role: null,
    action: "run.submit",
    target: null,
    outcome: "ok",
    status: 201,
    detail: {},
    ...overrides,
  };
}
