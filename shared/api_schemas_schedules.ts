/**
 * The admin API's schedules: a family's runs at the nominal times of a cron
 * expression in an IANA zone, or of a fixed interval. The hub validates
 * requests and describes its answers with these schemas; the CLI parses
 * what it receives with the same ones. Answers are loose objects.
 *
 * @module
 */
import { z } from "zod";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");
const DAY_MS = 86_400_000;

/** How a parameter is set from a run's nominal time, in the schedule's zone. */
export const TIME_PARAM_FORMATS = ["date", "datetime", "epoch_ms"] as const;

/** A schedule's or a webhook's name: it appears in URLs and metric labels. */
export const triggerNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
  message: "letters, digits, '.', '_' and '-' (up to 100), starting with a letter or digit",
});

/** Which missed times fire after the hubs were down. */
export const catchUpSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("none") }).describe("Only times at most a minute late"),
  z.strictObject({ mode: z.literal("latest") }).describe("The newest missed time only"),
  z.strictObject({
    mode: z.literal("all"),
    windowMs: z.int().min(1).max(366 * DAY_MS).describe("How far back missed times fire"),
    max: z.int().min(1).max(1_000).describe("Most missed times fired at once"),
  }).describe("Every missed time within the window, the newest `max` of them"),
]);

/** What happens at a nominal time while a run of the schedule is still going. */
export const OVERLAP_POLICIES = ["allow", "skip", "buffer", "cancel"] as const;

/** `POST /api/schedules`. */
export const createScheduleSchema = z.strictObject({
  name: triggerNameSchema,
  family: z.string().min(1).max(100),
  version: z.int().min(1).optional().describe("Default: the family's newest version at each fire"),
  params: z.record(z.string(), z.unknown()).default({}).describe("The fixed parameters"),
  timeParams: z.record(z.string(), z.enum(TIME_PARAM_FORMATS)).default({})
    .describe(
      "Parameters set from the nominal time: `date` (YYYY-MM-DD in the zone), " +
        "`datetime` (ISO 8601 with the zone's offset) or `epoch_ms`",
    ),
  cron: z.string().min(1).max(200).optional()
    .describe("5 fields (minute hour day month weekday), 6 with seconds first, or @daily …"),
  intervalMs: z.int().min(1_000).max(366 * DAY_MS).optional()
    .describe("Or a fixed interval from `startAt` (default: the creation)"),
  zone: z.string().min(1).max(100).default("UTC").describe("IANA time zone"),
  startAt: z.iso.datetime({ offset: true }).optional(),
  endAt: z.iso.datetime({ offset: true }).optional(),
  catchUp: catchUpSchema.default({ mode: "latest" }),
  overlap: z.enum(OVERLAP_POLICIES).default("skip"),
  jitterMs: z.int().min(0).max(3_600_000).default(0)
    .describe("Fires up to this much after each time (a fixed delay drawn from the schedule's id)"),
  priority: z.int().min(-1_000_000).max(1_000_000).default(0),
});

/** A schedule to create, as validated. */
export type CreateSchedule = z.output<typeof createScheduleSchema>;

/** A schedule, as the API answers it. */
export const scheduleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  family: z.string(),
  version: z.int().nullable(),
  params: z.record(z.string(), z.unknown()),
  timeParams: z.record(z.string(), z.string()),
  cron: z.string().nullable(),
  intervalMs: z.int().nullable(),
  zone: z.string(),
  startAt: ms().nullable(),
  endAt: ms().nullable(),
  catchUp: z.looseObject({ mode: z.string() }),
  overlap: z.enum(OVERLAP_POLICIES),
  jitterMs: z.int(),
  priority: z.int(),
  paused: z.looseObject({ at: ms(), reason: z.string().nullable() }).nullable(),
  lastNominalAt: ms().describe("Every nominal time up to this one has fired or been passed over"),
  nextTimes: z.array(ms()).describe("The next nominal times (before jitter)"),
  bufferedAt: ms().nullable().describe("A nominal time waiting for the running run to end"),
  createdBy: z.string().nullable(),
  createdAt: ms(),
});

/** A schedule. */
export type Schedule = z.output<typeof scheduleSchema>;

/** `GET /api/schedules`. */
export const scheduleListSchema = z.looseObject({ schedules: z.array(scheduleSchema) });

/** `POST /api/schedules/{name}/trigger`: the run fired now, or why not. */
export const scheduleFiredSchema = z.looseObject({
  name: z.string(),
  nominalAt: ms(),
  outcome: z.enum(["fired", "skipped"]),
  runId: z.string().optional(),
  reason: z.string().optional(),
});

/** `DELETE /api/schedules/{name}` and `DELETE /api/hooks/{name}`. */
export const namedDeletedSchema = z.looseObject({ name: z.string(), deleted: z.literal(true) });
