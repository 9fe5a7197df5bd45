/**
 * Contract validation: `EventFile(day)` is external (dropped by another
 * system into `events/<day>.jsonl`); `CleanEvents(day)` reads it under a
 * contract and writes the cleaned records under its own.
 */
import { z } from "zod";
import { defineTask, LocalTarget, readJsonLines, toJsonLines } from "../shared/mod.ts";

/** One raw event, as the upstream system promises to write it. */
export const RawEvent = z.object({
  id: z.string().min(1),
  ts: z.iso.datetime({ offset: true }),
  user: z.object({ id: z.int().positive() }),
  kind: z.enum(["view", "click", "buy"]),
  amount: z.number().nonnegative().optional(),
});

/** One cleaned event. */
export const CleanEvent = z.strictObject({
  id: z.string(),
  hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/),
  userId: z.int().positive(),
  kind: z.enum(["view", "click", "buy"]),
  amount: z.number().nonnegative(),
});

/** Creates the event families under `dataDir`. */
export function createEventTasks(dataDir: string, options: { externalDeadlineMs?: number } = {}) {
  const EventFile = defineTask({
    family: "EventFile",
    description: "A day of events written by the upstream system (external)",
    params: z.object({ day: z.iso.date() }),
    output: ({ day }) => new LocalTarget(`${dataDir}/events/${day}.jsonl`),
    external: { deadlineMs: options.externalDeadlineMs ?? 6 * 3_600_000, checkEveryMs: 200 },
  });

  const CleanEvents = defineTask({
    family: "CleanEvents",
    description: "Validates a day of events against its contract and writes them cleaned",
    params: z.object({ day: z.iso.date() }),
    contract: { reads: RawEvent, writes: CleanEvent },
    requires: ({ day }) => EventFile.of({ day }),
    output: ({ day }) => new LocalTarget(`${dataDir}/events_clean/v1/${day}.jsonl`),
    run: async (ctx) => {
      const events = await readJsonLines(ctx.inputs.path, RawEvent);
      const clean = events.map((e) => ({
        id: e.id,
        hour: new Date(e.ts).toISOString().slice(0, 13),
        userId: e.user.id,
        kind: e.kind,
        amount: e.amount ?? 0,
      }));
      await ctx.outputs.write(toJsonLines(clean, CleanEvent, "events_clean"));
      ctx.setStatus(`${clean.length} events`);
    },
  });

  return { EventFile, CleanEvents, all: [EventFile, CleanEvents] };
}
