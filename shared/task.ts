/**
 * The task-definition API: what task authors import.
 *
 * @module
 */
import { z } from "zod";
import { type FamilyOptions, familyOptionsSchema } from "./family_options.ts";
import type { Logger } from "./log.ts";
import { type Selector, selectorSchema } from "./selector.ts";
import type { StagedOutput, Target } from "./targets/target.ts";
import { FAMILY_NAME, taskId } from "./task_id.ts";
import { formatIssues } from "./format_issues.ts";
import { type RetryPolicy, retryPolicySchema } from "./retry_policy.ts";

export type { RetryPolicy };

/** What `output()` may return: nothing, one target, or named targets. */
export type Outputs = Target | Record<string, Target> | undefined;

/** The staged counterpart of an {@link Outputs} shape, handed to `run` as `ctx.outputs`. */
export type Staged<O> = O extends Target ? StagedOutput
  : O extends Record<string, Target> ? { [K in keyof O]: StagedOutput }
  : undefined;

/** What `requires()` may return. */
export type Requirements =
  | AnyTaskInstance
  | readonly AnyTaskInstance[]
  | Record<string, AnyTaskInstance>
  | undefined;

type OutputOf<I> = I extends TaskInstance<infer O> ? O : never;

/** The outputs of a task's requirements, in the shape `requires()` returned them. */
export type Inputs<R> = R extends TaskInstance<infer O> ? O
  : R extends readonly (infer E)[] ? OutputOf<E>[]
  : R extends Record<string, AnyTaskInstance> ? { [K in keyof R]: OutputOf<R[K]> }
  : undefined;

/**
 * What a running task sees.
 *
 * @example
 * ```ts
 * import type { TaskContext } from "./task.ts";
 * async function body(ctx: TaskContext) {
 *   ctx.setStatus("downloading");
 *   await fetch("http://127.0.0.1:1/", { signal: ctx.signal }).catch(() => {});
 *   ctx.progress(0.5);
 * }
 * ```
 */
export interface TaskContext<O = Outputs, I = unknown> {
  /** This task's id. */
  readonly taskId: string;
  /**
   * Run leases this task has had, this one included: 1 on the first run, then
   * one more for each retry, each re-run after a park for dynamic
   * requirements, and each lease a worker handed back on shutdown.
   */
  readonly attempt: number;
  /** Aborts when the lease is lost, the task is cancelled or times out; pass it on. */
  readonly signal: AbortSignal;
  /** A logger whose lines carry `taskId`. */
  readonly log: Logger;
  /** Staged writers for this task's outputs (same shape as `output()`). */
  readonly outputs: Staged<O>;
  /** The outputs of this task's requirements (same shape as `requires()`). */
  readonly inputs: I;
  /** Sets a short status message, shown by the API. */
  setStatus(message: string): void;
  /** Reports progress as a fraction from 0 to 1. */
  progress(fraction: number): void;
  /**
   * Dynamic requirements, found while running. When they are all complete,
   * resolves with their outputs. Otherwise the attempt stops here (the call
   * never returns), the task gives up its slot and waits for them, then runs
   * again from the start, as in Luigi: write run() so that repeating the work
   * before this call is harmless.
   */
  requires<R extends Requirements>(requirements: R): Promise<Inputs<R>>;
}

/**
 * One member of a batch run: its params and its staged outputs.
 *
 * @example
 * ```ts
 * import type { BatchMember } from "./task.ts";
 * function days(members: BatchMember<{ day: string }>[]) {
 *   return members.map((m) => m.params.day);
 * }
 * ```
 */
export interface BatchMember<P, O = Outputs> {
  readonly taskId: string;
  readonly params: P;
  readonly outputs: Staged<O>;
}

/**
 * A task family's definition.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { TaskDefinition } from "./task.ts";
 * const def: TaskDefinition<z.ZodObject<{ n: z.ZodNumber }>> = {
 *   family: "Square",
 *   params: z.object({ n: z.number() }),
 *   run: (ctx, { n }) => Promise.resolve(ctx.log.info("square", { result: n * n })),
 * };
 * ```
 */
export interface TaskDefinition<
  S extends z.ZodType = z.ZodType,
  O extends Outputs = Outputs,
  R extends Requirements = Requirements,
> {
  /** Family name: letters, digits and `_`, starting with a letter. */
  family: string;
  /** Bump to get new ids (and new output paths): old outputs are never clobbered. Default 1. */
  version?: number;
  /** One-line description, shown in the registry. */
  description?: string;
  /** Parameter schema: plain JSON in, plain JSON out (no transforms to Dates or classes). */
  params: S;
  /** Static dependencies. */
  requires?: (params: z.output<S>) => R;
  /** The targets this task writes. */
  output?: (params: z.output<S>) => O;
  /** Does the work. A family without `run` is a wrapper: done when its requirements are. */
  run?: (ctx: TaskContext<O, Inputs<R>>, params: z.output<S>) => Promise<void>;
  /** Overrides "complete when every output exists". */
  complete?: (params: z.output<S>) => Promise<boolean>;
  /**
   * Which workers may expand and run this family: a selector, or a function
   * of the parameters (`({ region }) => ({ region })`) for a per-task pin.
   */
  pin?: Selector | ((params: z.output<S>) => Selector);
  /** Retry policy for failed runs. */
  retry?: Partial<RetryPolicy>;
  /** Higher runs first. Default 0. */
  priority?: number;
  /** Aborts a run that takes longer; counts as a retryable failure. */
  timeoutMs?: number;
  /** Named global resources a run holds (limits are set on the hub), e.g. `{ bigquery: 1 }`. */
  resources?: Record<string, number>;
  /**
   * Luigi's batching: ready tasks of this family that differ only in `param`
   * run as one call of `runBatch`, up to `maxSize` (default 50) at a time.
   */
  batch?: { param: string; maxSize?: number };
  /** Runs a batch (required with `batch`); each member's outputs are published. */
  runBatch?: (
    ctx: Omit<TaskContext<undefined, undefined>, "outputs" | "inputs" | "requires">,
    members: BatchMember<z.output<S>, O>[],
  ) => Promise<void>;
  /**
   * Data produced outside Drover (Luigi's ExternalTask): never run, only
   * checked with `complete()` / its outputs, every `checkEveryMs` (doubling,
   * at most a minute) until it appears or `deadlineMs` after it was first
   * needed, when it fails. `true` means a 24 h deadline, checked from every 10 s.
   */
  external?: boolean | { deadlineMs?: number; checkEveryMs?: number };
  /** More than `maxFailures` failed attempts within `windowMs` disable the family for `disableForMs`. */
  disable?: { maxFailures: number; windowMs: number; disableForMs: number };
  /** zod schemas of the records the task reads and writes (shown by the hub as JSON Schema). */
  contract?: { reads?: z.ZodType; writes?: z.ZodType };
  /** How many times a run may park for new dynamic requirements (default 20). */
  maxDynamicRounds?: number;
}

/**
 * A task instance: a family with parsed parameters and its id.
 *
 * @example
 * ```ts
 * import type { TaskInstance } from "./task.ts";
 * function describe(t: TaskInstance) {
 *   return `${t.family.name}(${JSON.stringify(t.params)}) = ${t.id}`;
 * }
 * ```
 */
export interface TaskInstance<O extends Outputs = Outputs> {
  /** The family this is an instance of. */
  readonly family: TaskFamily<z.ZodType, O>;
  /** The stable id. */
  readonly id: string;
  /** Parsed parameters (defaults applied). */
  readonly params: unknown;
}

/** A task instance of any output shape. */
// deno-lint-ignore no-explicit-any
export type AnyTaskInstance = TaskInstance<any>;

/**
 * A defined task family: call {@link TaskFamily.of} to make instances.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "./task.ts";
 * const Hello = defineTask({ family: "Hello", params: z.object({ who: z.string() }) });
 * console.assert(Hello.of({ who: "x" }).id.startsWith("Hello_x_"));
 * ```
 */
export interface TaskFamily<S extends z.ZodType = z.ZodType, O extends Outputs = Outputs> {
  /** Family name. */
  readonly name: string;
  /** Version (part of every id). */
  readonly version: number;
  /** The definition as written. */
  // deno-lint-ignore no-explicit-any
  readonly definition: TaskDefinition<S, O, any>;
  /** JSON Schema of the parameters (input side: defaults make fields optional). */
  readonly paramsJsonSchema: Record<string, unknown>;
  /** The retry policy with defaults filled in. */
  readonly retry: RetryPolicy;
  /** Whether the family has a `run` (false for wrappers and external tasks). */
  readonly hasRun: boolean;
  /** Resources, batching, external checks, disabling, contracts: as advertised to the hub. */
  readonly options: FamilyOptions;
  /** Parses `params` (throws `TypeError` naming the field) and returns the instance. */
  of(params: z.input<S>): TaskInstance<O>;
  /** Like {@link TaskFamily.of}, for params that arrive as unknown JSON. */
  parse(params: unknown): TaskInstance<O>;
}

/**
 * Defines a task family.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask } from "./task.ts";
 * import { LocalTarget } from "./targets/local_target.ts";
 * const Extract = defineTask({
 *   family: "Extract",
 *   version: 2,
 *   params: z.object({ runDate: z.iso.date() }),
 *   output: ({ runDate }) => new LocalTarget(`/tmp/extract/v2/${runDate}.json`),
 *   run: async (ctx, { runDate }) => {
 *     await ctx.outputs.write(JSON.stringify({ runDate }));
 *   },
 * });
 * console.assert(Extract.of({ runDate: "2026-11-23" }).id.startsWith("Extract_2026-11-23_"));
 * ```
 */
export function defineTask<S extends z.ZodType, O extends Outputs, R extends Requirements>(
  definition: TaskDefinition<S, O, R>,
): TaskFamily<S, O> {
  if (!FAMILY_NAME.test(definition.family)) {
    throw new TypeError(
      `Invalid task family name "${definition.family}": use letters, digits and "_", starting with a letter`,
    );
  }
  const version = definition.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw new TypeError(
      `Task family "${definition.family}" has version ${version}: use an integer >= 1`,
    );
  }
  let paramsJsonSchema: Record<string, unknown>;
  try {
    paramsJsonSchema = z.toJSONSchema(definition.params, { io: "input" }) as Record<
      string,
      unknown
    >;
  } catch (cause) {
    throw new TypeError(
      `Task family "${definition.family}" has parameters that JSON cannot carry: ${
        (cause as Error).message
      }`,
      { cause },
    );
  }
  if (definition.pin && typeof definition.pin !== "function") {
    const pin = selectorSchema.safeParse(definition.pin);
    if (!pin.success) {
      throw new TypeError(
        `Task family "${definition.family}" has an invalid pin: ${formatIssues(pin.error.issues)}`,
      );
    }
  }
  const retryResult = retryPolicySchema.safeParse(definition.retry ?? {});
  if (!retryResult.success) {
    throw new TypeError(
      `Task family "${definition.family}" has an invalid retry policy: ${
        formatIssues(retryResult.error.issues)
      }`,
    );
  }
  const retry = retryResult.data;
  for (
    const [name, value, min] of [["priority", definition.priority, -1_000_000], [
      "timeoutMs",
      definition.timeoutMs,
      1,
    ]] as const
  ) {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      throw new TypeError(
        `Task family "${definition.family}" has ${name} ${value}: use an integer >= ${min}`,
      );
    }
  }
  try {
    // Parsing must not change what it accepts (no transforms): the hub parses
    // submissions from the JSON Schema alone and must get the same params, or
    // the ids it computes would differ from the worker's.
    z.toJSONSchema(definition.params, { io: "output" });
  } catch (cause) {
    throw new TypeError(
      `Task family "${definition.family}" has parameters that transform what they parse ` +
        `(${(cause as Error).message}): keep parameter schemas plain JSON in and out`,
      { cause },
    );
  }
  const options = normaliseOptions(definition, paramsJsonSchema);
  const family: TaskFamily<S, O> = {
    name: definition.family,
    version,
    definition,
    paramsJsonSchema,
    retry,
    options,
    hasRun: typeof definition.run === "function" || typeof definition.runBatch === "function",
    of: (params) => family.parse(params),
    parse(params) {
      const result = definition.params.safeParse(params);
      if (!result.success) {
        throw new TypeError(
          `Invalid parameters for ${definition.family}: ${formatIssues(result.error.issues)}`,
        );
      }
      return { family, id: taskId(definition.family, version, result.data), params: result.data };
    },
  };
  return family;
}

function normaliseOptions(
  // deno-lint-ignore no-explicit-any
  definition: TaskDefinition<any, any, any>,
  paramsJsonSchema: Record<string, unknown>,
): FamilyOptions {
  const name = definition.family;
  const fail = (message: string): never => {
    throw new TypeError(`Task family "${name}" ${message}`);
  };
  const raw: Record<string, unknown> = {
    resources: definition.resources ?? {},
    maxDynamicRounds: definition.maxDynamicRounds ?? 20,
  };
  if (definition.batch) {
    const properties = (paramsJsonSchema.properties ?? {}) as Record<string, unknown>;
    if (!(definition.batch.param in properties)) {
      fail(`batches on "${definition.batch.param}", which is not one of its parameters`);
    }
    if (typeof definition.runBatch !== "function") fail("declares batch but no runBatch()");
    if (definition.resources && Object.keys(definition.resources).length) {
      fail("cannot both batch and hold resources");
    }
    raw.batch = { param: definition.batch.param, maxSize: definition.batch.maxSize ?? 50 };
  } else if (definition.runBatch) {
    fail("has runBatch() but no batch: { param }");
  }
  if (definition.external) {
    if (definition.run || definition.runBatch) fail("is external, so it cannot have run()");
    if (!definition.output && !definition.complete) {
      fail("is external, so it needs output() or complete()");
    }
    const e = definition.external === true ? {} : definition.external;
    raw.external = {
      deadlineMs: e.deadlineMs ?? 86_400_000,
      checkEveryMs: e.checkEveryMs ?? 10_000,
    };
  }
  if (definition.disable) raw.disable = definition.disable;
  if (definition.contract) {
    const contracts: Record<string, unknown> = {};
    for (const side of ["reads", "writes"] as const) {
      const schema = definition.contract[side];
      if (!schema) continue;
      try {
        contracts[side] = z.toJSONSchema(schema, { unrepresentable: "any" });
      } catch (cause) {
        fail(
          `has a ${side} contract that JSON Schema cannot describe: ${(cause as Error).message}`,
        );
      }
    }
    raw.contracts = contracts;
  }
  const parsed = familyOptionsSchema.safeParse(raw);
  if (!parsed.success) return fail(`has invalid options: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * Flattens what `requires()` returned into a list of instances.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, requirementList } from "./task.ts";
 * const A = defineTask({ family: "A", params: z.object({ n: z.int() }) });
 * console.assert(requirementList({ x: A.of({ n: 1 }), y: A.of({ n: 2 }) }).length === 2);
 * ```
 */
export function requirementList(requirements: Requirements): AnyTaskInstance[] {
  if (requirements === undefined) return [];
  if (isInstance(requirements)) return [requirements];
  if (Array.isArray(requirements)) return [...requirements];
  return Object.values(requirements as Record<string, AnyTaskInstance>);
}

/**
 * Maps what `requires()` returned to the same shape with each instance replaced by `fn(instance)`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, mapRequirements } from "./task.ts";
 * const A = defineTask({ family: "A", params: z.object({ n: z.int() }) });
 * const ids = mapRequirements({ x: A.of({ n: 1 }) }, (t) => t.id) as Record<string, string>;
 * console.assert(ids.x!.startsWith("A_1_"));
 * ```
 */
export function mapRequirements<T>(
  requirements: Requirements,
  fn: (instance: AnyTaskInstance) => T,
): T | T[] | Record<string, T> | undefined {
  if (requirements === undefined) return undefined;
  if (isInstance(requirements)) return fn(requirements);
  if (Array.isArray(requirements)) return requirements.map(fn);
  return Object.fromEntries(
    Object.entries(requirements as Record<string, AnyTaskInstance>).map(([k, v]) => [k, fn(v)]),
  );
}

function isInstance(value: unknown): value is AnyTaskInstance {
  return typeof value === "object" && value !== null && "family" in value && "id" in value &&
    "params" in value;
}

/**
 * The targets of `instance` as a flat list.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, outputList } from "./task.ts";
 * const W = defineTask({ family: "W", params: z.object({}) });
 * console.assert(outputList(W.of({})).length === 0);
 * ```
 */
export function outputList(instance: AnyTaskInstance): Target[] {
  const out = instance.family.definition.output?.(instance.params as never) as Outputs;
  if (out === undefined) return [];
  if (isTarget(out)) return [out];
  return Object.values(out);
}

/**
 * Whether `instance` is complete: its `complete()` override, else every
 * output exists. A task with neither outputs nor override is never complete
 * by itself (wrappers are completed by the hub when their requirements are).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, isComplete } from "./task.ts";
 * const W = defineTask({ family: "W", params: z.object({}) });
 * console.assert(await isComplete(W.of({})) === false);
 * ```
 */
export async function isComplete(instance: AnyTaskInstance): Promise<boolean> {
  const def = instance.family.definition;
  if (def.complete) return await def.complete(instance.params as never);
  const outputs = outputList(instance);
  if (outputs.length === 0) return false;
  for (const target of outputs) {
    if (!(await target.exists())) return false;
  }
  return true;
}

/**
 * Whether `value` is a {@link Target}.
 *
 * @example
 * ```ts
 * import { isTarget } from "./task.ts";
 * console.assert(!isTarget({}));
 * ```
 */
export function isTarget(value: unknown): value is Target {
  return typeof value === "object" && value !== null &&
    typeof (value as Target).exists === "function" &&
    typeof (value as Target).stage === "function";
}

/**
 * The pin of one task instance: its family's selector, or what the family's
 * pin function returns for the instance's parameters (checked, `TypeError`
 * naming the family when the function returns something that is not one).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, pinOf } from "./task.ts";
 * const Extract = defineTask({
 *   family: "Extract",
 *   params: z.object({ region: z.string() }),
 *   pin: ({ region }) => ({ region }),
 * });
 * console.assert(pinOf(Extract.of({ region: "eu-west" })).region === "eu-west");
 * ```
 */
export function pinOf(instance: AnyTaskInstance): Selector {
  const pin = instance.family.definition.pin;
  if (pin === undefined) return {};
  if (typeof pin !== "function") return pin;
  const result = selectorSchema.safeParse(pin(instance.params as never));
  if (!result.success) {
    throw new TypeError(
      `The pin function of task family "${instance.family.name}" returned an invalid selector: ${
        formatIssues(result.error.issues)
      }`,
    );
  }
  return result.data;
}
