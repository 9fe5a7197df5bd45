/**
 * The `backfills.dates` column: every day of the range in order, each with
 * the params and task id validated when the backfill was created (so the
 * hub never re-validates with a registry that may have changed since), and
 * whether it was already complete then.
 */
import { z } from "zod";

/** One day of a backfill. */
export const backfillDaySchema = z.object({
  date: z.string(),
  taskId: z.string(),
  params: z.unknown(),
  /** Its task was done when the backfill was created: no run is submitted for it. */
  skipped: z.boolean().optional(),
});

/** One day of a backfill. */
export type BackfillDay = z.output<typeof backfillDaySchema>;

const daysSchema = z.array(backfillDaySchema);

/** Parses the `dates` column (written by the backfill route). */
export function parseBackfillDays(text: string): BackfillDay[] {
  return daysSchema.parse(JSON.parse(text));
}
