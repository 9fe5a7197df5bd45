/**
 * A family's definition, checked and with defaults filled in: its name,
 * version, parameter schema (as JSON Schema), pin, retry policy, priority,
 * timeout and options (resources, batching, external checks, disabling,
 * contracts), as `defineTask` advertises them to the hub.
 *
 * @module
 */
import { z } from "zod";
import { type FamilyOptions, familyOptionsSchema } from "./family_options.ts";
import { formatIssues } from "./format_issues.ts";
import { type RetryPolicy, retryPolicySchema } from "./retry_policy.ts";
import { selectorSchema } from "./selector.ts";
import type { Outputs, Requirements, TaskDefinition } from "./task.ts";
import { FAMILY_NAME } from "./task_id.ts";

/**
 * What {@link normaliseDefinition} derives from a definition.
 *
 * @example
 * ```ts
 * import type { NormalisedDefinition } from "./normalise_definition.ts";
 * const ids = (d: NormalisedDefinition) => `version ${d.version}`;
 * ```
 */
export interface NormalisedDefinition {
  /** The version, 1 by default. */
  version: number;
  /** JSON Schema of the parameters (input side: defaults make fields optional). */
  paramsJsonSchema: Record<string, unknown>;
  /** The retry policy with defaults filled in. */
  retry: RetryPolicy;
  /** The options as advertised to the hub. */
  options: FamilyOptions;
}

/**
 * Checks a task definition and fills in its defaults; throws a `TypeError`
 * naming the family and what is wrong.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { normaliseDefinition } from "./normalise_definition.ts";
 * const d = normaliseDefinition({
 *   family: "Load",
 *   params: z.object({ day: z.string() }),
 *   batch: { param: "day" },
 *   runBatch: async () => {},
 * });
 * console.assert(d.version === 1 && d.options.batch?.maxSize === 50);
 * ```
 */
export function normaliseDefinition<
  S extends z.ZodType,
  O extends Outputs,
  R extends Requirements,
>(definition: TaskDefinition<S, O, R>): NormalisedDefinition {
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
  return {
    version,
    paramsJsonSchema,
    retry,
    options: normaliseOptions(definition, paramsJsonSchema),
  };
}

function normaliseOptions<S extends z.ZodType, O extends Outputs, R extends Requirements>(
  definition: TaskDefinition<S, O, R>,
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
