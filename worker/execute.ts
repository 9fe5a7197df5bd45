/**
 * Running task code: the context a run sees, its staged outputs, dynamic
 * requirements (`ctx.requires`), batches, timeouts, and Luigi's run-time
 * check that static requirements are complete.
 */
import { delay } from "../shared/delay.ts";
import { PermanentError, RetryableError, TaskTimeoutError } from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import type { StagedOutput } from "../shared/targets/target.ts";
import type { AnyTaskInstance, Outputs, Requirements, TaskContext } from "../shared/task.ts";
import { isComplete } from "./completeness.ts";
import { isTarget } from "./output_list.ts";
import { mapRequirements, requirementList } from "./requirements.ts";
import { assertRestorable } from "./restore_staged.ts";

/**
 * Thrown by `ctx.requires` when some dynamic requirements are not complete:
 * the runner parks the task instead of failing it.
 */
export class ParkRequest extends Error {
  readonly requirements: AnyTaskInstance[];
  constructor(requirements: AnyTaskInstance[], missing: number) {
    super(`waiting for ${missing} dynamic requirement(s)`);
    this.name = "ParkRequest";
    this.requirements = requirements;
  }
}

/** What a run needs besides its instance. */
export interface ExecuteOptions {
  taskId: string;
  epoch: number;
  attempt: number;
  signal: AbortSignal;
  /** Aborts the run (timeouts use it). */
  abort: (reason: unknown) => void;
  /** The task's `ctx.log`. */
  log: Logger;
  /** Requirements the hub says are done (for requirements without outputs). */
  doneDeps: ReadonlySet<string>;
  /** Called with every staged output the run opened, before `run` can write to any. */
  onStaged?: (staged: readonly StagedOutput[]) => void;
  setStatus: (message: string) => void;
  progress: (fraction: number) => void;
}

interface StagedSet {
  list: Array<[string, StagedOutput]>;
  shape: unknown;
}

function stageOutputs(instance: AnyTaskInstance, stageKey: string): StagedSet {
  const outputs = instance.family.definition.output?.(instance.params as never) as Outputs;
  const list: Array<[string, StagedOutput]> = [];
  if (outputs === undefined) return { list, shape: undefined };
  if (isTarget(outputs)) {
    const s = outputs.stage(stageKey);
    assertRestorable(s.describe().kind);
    return { list: [["output", s]], shape: s };
  }
  const shape: Record<string, StagedOutput> = {};
  for (const [name, target] of Object.entries(outputs)) {
    shape[name] = target.stage(stageKey);
    list.push([name, shape[name]!]);
  }
  for (const [, s] of list) assertRestorable(s.describe().kind);
  return { list, shape };
}

const outputsOf = (dep: AnyTaskInstance) => dep.family.definition.output?.(dep.params as never);

/** Whether a requirement counts as complete for a running task. */
async function requirementDone(
  dep: AnyTaskInstance,
  doneDeps: ReadonlySet<string>,
): Promise<boolean> {
  const def = dep.family.definition;
  // A wrapper has nothing to look at: the hub's word is all there is.
  if (!def.output && !def.complete) return doneDeps.has(dep.id);
  return await isComplete(dep);
}

/** Runs `fn` with the task's timeout; a timeout aborts the signal with a retryable error. */
async function withTimeout<T>(
  instance: AnyTaskInstance,
  o: ExecuteOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const timeoutMs = instance.family.definition.timeoutMs;
  const timer = timeoutMs
    ? setTimeout(() => o.abort(new TaskTimeoutError(o.taskId, timeoutMs)), timeoutMs)
    : null;
  try {
    const value = await fn();
    o.signal.throwIfAborted();
    return value;
  } catch (error) {
    // A task that ignored its signal still fails with the signal's reason.
    throw o.signal.aborted ? o.signal.reason : error;
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** The staged outputs that were written; a declared output left unwritten is a permanent error. */
async function writtenOutputs(staged: StagedSet, taskId: string): Promise<StagedOutput[]> {
  const written: StagedOutput[] = [];
  for (const [name, s] of staged.list) {
    if (await s.written()) written.push(s);
    else if (!(await s.target.exists())) {
      throw new PermanentError(
        `run() of "${taskId}" finished without writing output "${name}" (${s.target.uri})`,
      );
    }
  }
  return written;
}

/** Discards every staged output (after a failure, a lost lease, a park). */
async function discardAll(staged: readonly StagedOutput[]): Promise<void> {
  await Promise.all(staged.map((s) => s.discard().catch(() => {})));
}

/**
 * Runs one task: checks its static requirements, stages its outputs, calls
 * `run`, and returns the staged outputs it wrote (to commit once published).
 * Throws {@link ParkRequest} when `ctx.requires` finds incomplete requirements.
 */
export async function executeRun(
  instance: AnyTaskInstance,
  o: ExecuteOptions,
): Promise<StagedOutput[]> {
  const def = instance.family.definition;
  const params = instance.params as never;
  const requirements = def.requires?.(params) as Requirements;
  await waitForRequirements(requirementList(requirements), o.signal);
  const staged = stageOutputs(instance, `e${o.epoch}-${crypto.randomUUID().slice(0, 8)}`);
  const all = staged.list.map(([, s]) => s);
  o.onStaged?.(all);
  const ctx: TaskContext<Outputs, unknown> = {
    taskId: o.taskId,
    attempt: o.attempt,
    signal: o.signal,
    log: o.log,
    outputs: staged.shape as never,
    inputs: mapRequirements(requirements, outputsOf),
    setStatus: o.setStatus,
    progress: o.progress,
    requires: async (dynamic) => {
      const list = requirementList(dynamic as Requirements);
      let missing = 0;
      for (const dep of list) if (!(await requirementDone(dep, o.doneDeps))) missing++;
      if (missing > 0) throw new ParkRequest(list, missing);
      return mapRequirements(dynamic as Requirements, outputsOf) as never;
    },
  };
  try {
    if (def.run) await withTimeout(instance, o, () => def.run!(ctx as never, params));
    return await writtenOutputs(staged, o.taskId);
  } catch (error) {
    await discardAll(all);
    throw error;
  }
}

/** One member of a batch lease. */
export interface BatchMemberLease {
  instance: AnyTaskInstance;
  taskId: string;
  epoch: number;
}

/** Runs a batch with `runBatch`; returns each member's written staged outputs. */
export async function executeBatch(
  members: readonly BatchMemberLease[],
  o: ExecuteOptions,
): Promise<Map<string, StagedOutput[]>> {
  const def = members[0]!.instance.family.definition;
  for (const m of members) {
    await waitForRequirements(
      requirementList(def.requires?.(m.instance.params as never) as Requirements),
      o.signal,
    );
  }
  const staged = members.map((m) => ({
    member: m,
    set: stageOutputs(m.instance, `e${m.epoch}-${crypto.randomUUID().slice(0, 8)}`),
  }));
  const all = staged.flatMap((s) => s.set.list.map(([, x]) => x));
  o.onStaged?.(all);
  const ctx = {
    taskId: o.taskId,
    attempt: o.attempt,
    signal: o.signal,
    log: o.log,
    setStatus: o.setStatus,
    progress: o.progress,
  };
  try {
    await withTimeout(members[0]!.instance, o, () =>
      def.runBatch!(
        ctx,
        staged.map((s) => ({
          taskId: s.member.taskId,
          params: s.member.instance.params,
          outputs: s.set.shape as never,
        })),
      ));
    const result = new Map<string, StagedOutput[]>();
    for (const s of staged) {
      result.set(s.member.taskId, await writtenOutputs(s.set, s.member.taskId));
    }
    return result;
  } catch (error) {
    await discardAll(all);
    throw error;
  }
}

/**
 * Luigi's run-time check: every requirement that has outputs must be
 * complete before `run`. Waits briefly (a publication may be committing its
 * outputs right now), then fails as retryable, naming what is missing.
 */
async function waitForRequirements(
  requirements: AnyTaskInstance[],
  signal: AbortSignal,
): Promise<void> {
  const checkable = requirements.filter((r) =>
    r.family.definition.complete !== undefined || r.family.definition.output !== undefined
  );
  let missing: string[] = [];
  // 1, 2, 4 … 1024 ms (about 2 s in all): the usual wait is a publisher's
  // rename a millisecond behind its acknowledgement.
  for (let i = 0; i <= 11; i++) {
    missing = [];
    for (const r of checkable) if (!(await isComplete(r))) missing.push(r.id);
    if (missing.length === 0) return;
    if (i < 11) await delay(2 ** i, signal);
  }
  throw new RetryableError(
    `Unfulfilled requirement${missing.length > 1 ? "s" : ""} at run time: ${
      missing.slice(0, 5).join(", ")
    }` +
      (missing.length > 5 ? ` and ${missing.length - 5} more` : ""),
  );
}
