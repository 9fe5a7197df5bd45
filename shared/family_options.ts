/**
 * What a family declares beyond its parameters, as advertised to the hub.
 *
 * @module
 */
import { z } from "zod";

const resourceName = z.string().regex(
  /^[a-z][a-z0-9_.\-]{0,62}$/,
  "resource names are lowercase identifiers",
);

/** The options part of a family's advertisement. */
export const familyOptionsSchema = z.strictObject({
  /** Named global resources one run holds, e.g. `{ bigquery: 1 }`. */
  resources: z.record(resourceName, z.int().min(1).max(1_000_000)).default({}),
  /** Ready tasks differing only in `param` run together, up to `maxSize`. */
  batch: z.strictObject({ param: z.string().min(1), maxSize: z.int().min(2).max(10_000) })
    .optional(),
  /** Data produced outside Drover: only checked, every `checkEveryMs` (growing), until `deadlineMs`. */
  external: z.strictObject({
    deadlineMs: z.int().min(1),
    checkEveryMs: z.int().min(1),
  }).optional(),
  /** More than `maxFailures` failed attempts within `windowMs` disable the family for `disableForMs`. */
  disable: z.strictObject({
    maxFailures: z.int().min(1),
    windowMs: z.int().min(1),
    disableForMs: z.int().min(1),
  }).optional(),
  /** JSON Schemas of the records the family reads and writes. */
  contracts: z.strictObject({
    reads: z.record(z.string(), z.unknown()).optional(),
    writes: z.record(z.string(), z.unknown()).optional(),
  }).optional(),
  /** How many times a run may park for new dynamic requirements. */
  maxDynamicRounds: z.int().min(1).max(1_000).default(20),
});

/**
 * A family's options.
 *
 * @example
 * ```ts
 * import type { FamilyOptions } from "./family_options.ts";
 * const o: FamilyOptions = { resources: { bigquery: 1 }, maxDynamicRounds: 20 };
 * ```
 */
export type FamilyOptions = z.output<typeof familyOptionsSchema>;
