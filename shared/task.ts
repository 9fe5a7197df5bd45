/**
 * The task-definition API: `defineTask` and the types task authors write
 * against (import them through `shared/mod.ts`, the authors' door).
 *
 * @module
 */
import { z } from "zod";
import type { FamilyOptions } from "./family_options.ts";
import { normaliseDefinition } from "./normalise_definition.ts";
import type { BatchMember, TaskContext } from "./task_context.ts";
import type { Selector } from "./selector.ts";
import type { StagedOutput, Target } from "./targets/target.ts";
import { taskId } from "./task_id.ts";
import { formatIssues } from "./format_issues.ts";
import type { RetryPolicy } from "./retry_policy.ts";

export type { RetryPolicy };
export type { BatchMember, TaskContext };

/**
 * What `output()` may return: nothing, one target, or named targets.
 *
 * @example
 * ```ts
 * import type { Outputs } from "./task.ts";
 * import { LocalTarget } from "./targets/local_target.ts";
 * const outputs: Outputs = { rows: new LocalTarget("/tmp/rows.jsonl") };
 * ```
 */
export type Outputs = Target | Record<string, Target> | undefined;

/**
 * The staged counterpart of an {@link Outputs} shape, handed to `run` as `ctx.outputs`.
 *
 * @example
 * ```ts
 * import type { Staged } from "./task.ts";
 * import type { LocalTarget } from "./targets/local_target.ts";
 * async function save(outputs: Staged<{ rows: LocalTarget }>) {
 *   await outputs.rows.write("{}\n");
 * }
 * ```
 */
export type Staged<O> = O extends Target ? StagedOutput
  : O extends Record<string, Target> ? { [K in keyof O]: StagedOutput }
  : undefined;

/**
 * What `requires()` may return: one instance, a list, or named instances.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTask, type Requirements } from "./task.ts";
 * const Day = defineTask({ family: "Day", params: z.object({ d: z.iso.date() }) });
 * const both: Requirements = { today: Day.of({ d: "2026-11-24" }), before: Day.of({ d: "2026-11-23" }) };
 * ```
 */
export type Requirements =
  | AnyTaskInstance
  | readonly AnyTaskInstance[]
  | Record<string, AnyTaskInstance>
  | undefined;

type OutputOf<I> = I extends TaskInstance<infer O> ? O : never;

/**
 * The outputs of a task's requirements, in the shape `requires()` returned them.
 *
 * @example
 * ```ts
 * import type { Inputs, TaskInstance } from "./task.ts";
 * import type { LocalTarget } from "./targets/local_target.ts";
 * type Raw = TaskInstance<LocalTarget>;
 * async function read(inputs: Inputs<{ raw: Raw }>) {
 *   return await inputs.raw.readText();
 * }
 * ```
 */
export type Inputs<R> = R extends TaskInstance<infer O> ? O
  : R extends readonly (infer E)[] ? OutputOf<E>[]
  : R extends Record<string, AnyTaskInstance> ? { [K in keyof R]: OutputOf<R[K]> }
  : undefined;

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

/**
 * A task instance of any output shape.
 *
 * @example
 * ```ts
 * import type { AnyTaskInstance } from "./task.ts";
 * const ids = (tasks: readonly AnyTaskInstance[]) => tasks.map((t) => t.id);
 * ```
 */
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
 * A task family of any parameters and outputs, as the worker runtime holds them.
 *
 * @example
 * ```ts
 * import type { AnyTaskFamily } from "./task.ts";
 * const names = (families: readonly AnyTaskFamily[]) => families.map((f) => f.name);
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyTaskFamily = TaskFamily<any, any>;

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
  const { version, paramsJsonSchema, retry, options } = normaliseDefinition(definition);
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
