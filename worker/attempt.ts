/**
 * One grant, worked once: an expansion, a run or a batch run, whose outcome
 * (a result, a park for dynamic requirements, or a failure) becomes the
 * outbox entries the session delivers. An attempt whose lease was lost
 * reports nothing and leaves no staged output behind.
 */
import { expansionParts } from "./expansion_parts.ts";
import { canonicalJson } from "../shared/canonical_json.ts";
import { PermanentError, toWireError } from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import type { LeaseGrant, WorkerFrame } from "../shared/protocol.ts";
import type { Labels } from "../shared/selector.ts";
import type { StagedOutput } from "../shared/targets/target.ts";
import type { AnyTaskInstance, TaskFamily } from "../shared/task.ts";
import { executeBatch, type ExecuteOptions, executeRun, ParkRequest } from "./execute.ts";
import { expandLocally } from "./expand.ts";
import type { HeldLease } from "./lease_table.ts";
import type { OutboxEntry } from "./outbox.ts";
import { parkNodes } from "./park_nodes.ts";
import { discardStaged } from "./restore_staged.ts";
import type { WorkerStats } from "./worker_stats.ts";

/** One task of a grant (the granted task, then the other members of a batch). */
export interface GrantMember {
  taskId: string;
  epoch: number;
  attempt: number;
  params: unknown;
}

/** What an attempt needs from its session. */
export interface AttemptDeps {
  /** The families this worker runs, by `name@version`. */
  families: ReadonlyMap<string, TaskFamily>;
  labels: Labels;
  /** The attempt's logger (its lines carry the granted task and epoch). */
  log: Logger;
  /** What task code writes to as `ctx.log` (shipped to the hub too); `log` when left out. */
  taskLog?: Logger;
  stats: WorkerStats;
  /** Sends a status frame (dropped while disconnected). */
  send(frame: WorkerFrame): boolean;
  /** Called with the staged outputs a run opened, before the task writes to any of them. */
  onStaged(staged: readonly StagedOutput[]): void;
}

/** The members of a grant: the granted task first, then the rest of its batch. */
export function grantMembers(grant: LeaseGrant): GrantMember[] {
  const { taskId, epoch, attempt, params } = grant;
  return [{ taskId, epoch, attempt, params }, ...(grant.batch ?? [])];
}

/**
 * Works one grant, whose held leases are `leases` (in member order), and
 * returns the outbox entries to deliver; null when a lease was lost, in
 * which case the attempt's staged outputs are discarded.
 */
export async function runAttempt(
  grant: LeaseGrant,
  leases: readonly HeldLease[],
  deps: AttemptDeps,
): Promise<OutboxEntry[] | null> {
  const lost = () => leases.some((l) => l.lost);
  const members = grantMembers(grant);
  let entries: OutboxEntry[];
  try {
    entries = await perform(grant, members, leases[0]!.controller, deps);
  } catch (error) {
    if (lost()) {
      deps.log.warn("attempt abandoned: lease lost", { error });
      return null;
    }
    entries = failureEntries(members, error, deps.log);
  }
  if (lost()) {
    await Promise.all(
      entries.flatMap((e) => e.staged.map((d) => discardStaged(d).catch(() => {}))),
    );
    deps.log.warn("result discarded: lease lost");
    return null;
  }
  return entries;
}

async function perform(
  grant: LeaseGrant,
  members: readonly GrantMember[],
  controller: AbortController,
  deps: AttemptDeps,
): Promise<OutboxEntry[]> {
  const family = familyOf(grant, deps.families);
  const instances = members.map((m) => parseMember(family, m));
  if (grant.kind === "expand") {
    deps.stats.expansions++;
    const nodes = await expandLocally(instances[0]!, {
      families: deps.families,
      labels: deps.labels,
      signal: controller.signal,
      rootPinnedByRun: grant.pinnedByRun,
    });
    // A big expansion goes in parts (requirements first); all but the last say `more`.
    const parts = expansionParts(nodes);
    return parts.map((part, i) =>
      entry("x", (key) => ({
        type: "expand.result",
        ...refOf(grant),
        key,
        nodes: part,
        ...(i < parts.length - 1 ? { more: true } : {}),
      }))
    );
  }
  deps.stats.runs++;
  const options = executeOptions(grant, controller, deps);
  // A batch family always runs through runBatch, even with one member.
  if (family.options.batch) return await runBatch(members, instances, options, deps.log);
  return [await runOne(grant, instances[0]!, options, deps)];
}

/** The family a grant names; a family this worker does not run is a permanent failure. */
function familyOf(grant: LeaseGrant, families: ReadonlyMap<string, TaskFamily>): TaskFamily {
  const family = families.get(`${grant.family}@${grant.version}`);
  if (!family) {
    throw new PermanentError(
      `This worker does not run task family ${grant.family} version ${grant.version}`,
    );
  }
  return family;
}

/** A member's instance, checked to have the params and id the hub has. */
function parseMember(family: TaskFamily, m: GrantMember): AnyTaskInstance {
  const instance = family.parse(m.params);
  if (canonicalJson(instance.params) !== canonicalJson(m.params)) {
    throw new PermanentError(
      `Parameters of "${m.taskId}" change when this worker parses them ` +
        `(${canonicalJson(m.params)} became ${canonicalJson(instance.params)}): ` +
        "parameter schemas must be plain JSON in and out (no trim, toLowerCase, coerce or " +
        "stripped keys), or the hub and the worker compute different ids",
    );
  }
  if (instance.id !== m.taskId) {
    throw new PermanentError(
      `Task id mismatch: the hub leased "${m.taskId}" but this worker computes ` +
        `"${instance.id}" from the same parameters (is the family's code the same version?)`,
    );
  }
  return instance;
}

function executeOptions(
  grant: LeaseGrant,
  controller: AbortController,
  deps: AttemptDeps,
): ExecuteOptions {
  return {
    taskId: grant.taskId,
    epoch: grant.epoch,
    attempt: grant.attempt,
    signal: controller.signal,
    abort: (reason: unknown) => controller.abort(reason),
    log: deps.taskLog ?? deps.log,
    doneDeps: new Set(grant.doneDeps ?? []),
    onStaged: deps.onStaged,
    setStatus: (message: string) =>
      deps.send({ type: "task.status", ...refOf(grant), message: String(message).slice(0, 2000) }),
    progress: (fraction: number) =>
      deps.send({
        type: "task.status",
        ...refOf(grant),
        progress: Math.min(1, Math.max(0, Number(fraction) || 0)),
      }),
  };
}

async function runBatch(
  members: readonly GrantMember[],
  instances: readonly AnyTaskInstance[],
  options: ExecuteOptions,
  log: Logger,
): Promise<OutboxEntry[]> {
  log.info("batch started", { attempt: options.attempt, members: members.map((m) => m.taskId) });
  const staged = await executeBatch(
    members.map((m, i) => ({ instance: instances[i]!, taskId: m.taskId, epoch: m.epoch })),
    options,
  );
  return members.map((m) =>
    entry("c", (key) => ({ type: "task.complete", ...refOf(m), key }), staged.get(m.taskId))
  );
}

/** Runs a single task: its completion, or a park when `ctx.requires` found work to wait for. */
async function runOne(
  grant: LeaseGrant,
  instance: AnyTaskInstance,
  options: ExecuteOptions,
  deps: AttemptDeps,
): Promise<OutboxEntry> {
  deps.log.info("task started", { attempt: grant.attempt });
  try {
    const staged = await executeRun(instance, options);
    return entry("c", (key) => ({ type: "task.complete", ...refOf(grant), key }), staged);
  } catch (error) {
    if (!(error instanceof ParkRequest) || options.signal.aborted) throw error;
    const nodes = await parkNodes(instance, error.requirements, {
      families: deps.families,
      labels: deps.labels,
      signal: options.signal,
    });
    deps.log.info("task parked for dynamic requirements", {
      requirements: error.requirements.length,
    });
    return entry("p", (key) => ({ type: "task.park", ...refOf(grant), key, nodes }));
  }
}

/** One failure report per member, with the error as it crosses the wire. */
function failureEntries(
  members: readonly GrantMember[],
  error: unknown,
  log: Logger,
): OutboxEntry[] {
  const wire = toWireError(error);
  log.warn("task attempt failed", { error: wire });
  return members.map((m) =>
    entry("f", (key) => ({ type: "task.fail", ...refOf(m), key, error: wire }))
  );
}

/** An outbox entry under a fresh idempotency key (`prefix` tells the kinds apart in logs). */
function entry(
  prefix: string,
  frame: (key: string) => OutboxEntry["frame"],
  staged: readonly StagedOutput[] = [],
): OutboxEntry {
  const key = `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
  return { key, frame: frame(key), staged: staged.map((s) => s.describe()) };
}

function refOf(m: { taskId: string; epoch: number }): { taskId: string; epoch: number } {
  return { taskId: m.taskId, epoch: m.epoch };
}
