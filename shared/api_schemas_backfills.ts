/**
 * The admin API's answers about backfills: one run of a family per day over
 * a range. The hub describes its routes with these schemas and the CLI
 * parses what it receives with the same ones. Objects are loose.
 *
 * @module
 */
import { z } from "zod";
import { BACKFILL_STATES, RUN_STATES } from "./states.ts";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");

/** `POST /api/backfills` → 201. */
export const backfillCreatedSchema = z.looseObject({
  backfillId: z.string(),
  days: z.int(),
  skipped: z.int(),
  submitted: z.int(),
});

/** A created backfill. */
export type BackfillCreated = z.output<typeof backfillCreatedSchema>;

/** One day's run of a backfill. */
export const backfillRunSchema = z.looseObject({
  runId: z.string(),
  date: z.string(),
  taskId: z.string(),
  state: z.enum(RUN_STATES),
});

/** A backfill, as `GET /api/backfills` lists it. */
export const backfillSchema = z.looseObject({
  backfillId: z.string(),
  family: z.string(),
  version: z.int(),
  param: z.string().describe("The parameter that takes each date"),
  from: z.string(),
  to: z.string(),
  maxConcurrent: z.int().nullable(),
  priority: z.int(),
  submittedBy: z.string().nullable().describe("Who created it: a token's name, or an SSO user"),
  createdAt: ms(),
  days: z.int(),
  skipped: z.int().describe("Already complete when the backfill was created"),
  submitted: z.int(),
  pending: z.int().describe("Not submitted yet"),
  done: z.int(),
  failed: z.int(),
  running: z.int(),
  state: z.enum(BACKFILL_STATES),
});

/** `GET /api/backfills`. */
export const backfillListSchema = z.looseObject({ backfills: z.array(backfillSchema) });

/** `GET /api/backfills/{id}`: a backfill with each day's run, in date order. */
export const backfillStatusSchema = backfillSchema.extend({ runs: z.array(backfillRunSchema) });

/** A backfill's progress, with each day's run. */
export type BackfillStatus = z.output<typeof backfillStatusSchema>;
