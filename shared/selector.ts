/**
 * Label selectors: how a task pins itself to workers (`{ region: "eu-west" }`).
 *
 * @module
 */
import { z } from "zod";
import { canonicalJson } from "./canonical_json.ts";

const labelValue = z.string().min(1).max(200);

/** One requirement on a label: a value, a list it must be in or not in, or presence. */
export const labelRequirementSchema = z.union([
  labelValue,
  z.strictObject({ in: z.array(labelValue).min(1) }),
  z.strictObject({ notIn: z.array(labelValue).min(1) }),
  z.strictObject({ exists: z.boolean() }),
]);

/** A label selector: every requirement must hold. `{}` matches every worker. */
export const selectorSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_.\-/]{0,62}$/, "label names are lowercase identifiers"),
  labelRequirementSchema,
);

/**
 * A label selector.
 *
 * @example
 * ```ts
 * import type { Selector } from "./selector.ts";
 * const pin: Selector = { region: { in: ["eu-west", "eu-central"] }, gpu: { exists: false } };
 * ```
 */
export type Selector = z.infer<typeof selectorSchema>;

/** Worker labels: names to values. */
export const labelsSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_.\-/]{0,62}$/, "label names are lowercase identifiers"),
  labelValue,
);

/**
 * Worker labels, e.g. `{ region: "eu-west", zone: "b" }`.
 *
 * @example
 * ```ts
 * import type { Labels } from "./selector.ts";
 * const labels: Labels = { region: "eu-west" };
 * ```
 */
export type Labels = z.infer<typeof labelsSchema>;

/**
 * Whether a worker with `labels` may expand or run a task pinned by `selector`.
 *
 * @example
 * ```ts
 * import { matchesSelector } from "./selector.ts";
 * console.assert(matchesSelector({ region: "eu-west" }, { region: "eu-west" }));
 * console.assert(!matchesSelector({ region: "us-east" }, { region: { in: ["eu-west"] } }));
 * ```
 */
export function matchesSelector(labels: Labels, selector: Selector): boolean {
  for (const [name, req] of Object.entries(selector)) {
    // Own properties only: "constructor" is a label name, not Object's.
    const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
    if (typeof req === "string") {
      if (value !== req) return false;
    } else if ("in" in req) {
      if (value === undefined || !req.in.includes(value)) return false;
    } else if ("notIn" in req) {
      if (value !== undefined && req.notIn.includes(value)) return false;
    } else if (req.exists !== (value !== undefined)) {
      return false;
    }
  }
  return true;
}

/**
 * The stable string form of a selector, as stored in the `pin` column
 * (`""` for "any worker").
 *
 * @example
 * ```ts
 * import { pinKey } from "./selector.ts";
 * console.assert(pinKey({}) === "");
 * console.assert(pinKey({ region: "eu-west" }) === '{"region":"eu-west"}');
 * ```
 */
export function pinKey(selector: Selector | undefined): string {
  if (!selector || Object.keys(selector).length === 0) return "";
  return canonicalJson(selector);
}

/**
 * Parses a stored pin key back into a selector.
 *
 * @example
 * ```ts
 * import { parsePinKey } from "./selector.ts";
 * console.assert(parsePinKey("").region === undefined);
 * ```
 */
export function parsePinKey(key: string): Selector {
  if (key === "") return {};
  return selectorSchema.parse(JSON.parse(key));
}

/**
 * Human form of a selector for messages: `region=eu-west, zone in (a,b)`.
 *
 * @example
 * ```ts
 * import { describeSelector } from "./selector.ts";
 * console.assert(describeSelector({ region: "eu-west" }) === "region=eu-west");
 * ```
 */
export function describeSelector(selector: Selector): string {
  const parts = Object.entries(selector).map(([name, req]) => {
    if (typeof req === "string") return `${name}=${req}`;
    if ("in" in req) return `${name} in (${req.in.join(",")})`;
    if ("notIn" in req) return `${name} notin (${req.notIn.join(",")})`;
    return req.exists ? name : `!${name}`;
  });
  return parts.length ? parts.join(", ") : "any worker";
}
