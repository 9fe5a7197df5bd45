/**
 * The hybrid streaming hand-off: producers drop JSON-lines files of events
 * into `spool/`; a drain moves them into hourly partitions exactly once.
 *
 * - `SpoolManifest(until)` freezes which spool files this drain takes: those
 *   whose events all fall at or before the hour `until`. Once written, the
 *   list never changes, so a file that arrives later is left for the next
 *   drain instead of being half-drained.
 * - `PartitionHour(hour, until)` writes one part of the hour from exactly the
 *   manifest's files (each drain writes its own part file, so late events of
 *   an hour land in a later part), deduplicated by event id, in time order.
 * - `DrainSpool(until)` reads the manifest, asks for the parts of the hours it
 *   covers with `ctx.requires` (dynamic requirements: the hours are only
 *   known once the manifest exists), then moves the manifest's files to
 *   `spool/drained/`. A rerun after a crash mid-move finishes the move.
 */
import { z } from "zod";
import { atomicWrite, defineTask, LocalTarget, validateJsonLines } from "../shared/mod.ts";

const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
const hourParam = z.string().regex(HOUR, "expected YYYY-MM-DDTHH");

/** A spooled event. */
export const SpoolEvent = z.object({ id: z.string().min(1), ts: z.iso.datetime({ offset: true }) })
  .loose();
type Event = z.infer<typeof SpoolEvent>;

const Manifest = z.object({ until: z.string(), files: z.array(z.string()) });

/** Creates the spool families under `dataDir`. */
export function createSpoolTasks(dataDir: string) {
  const spoolDir = `${dataDir}/spool`;

  const SpoolManifest = defineTask({
    family: "SpoolManifest",
    description: "Freezes the list of spool files a drain takes",
    params: z.object({ until: hourParam }),
    output: ({ until }) => new LocalTarget(`${dataDir}/manifests/v1/${until}.json`),
    run: async (ctx, { until }) => {
      const files: string[] = [];
      for (const name of spoolFiles(spoolDir)) {
        const events = readEvents(spoolDir, name);
        if (events.every((e) => hourOf(e.ts) <= until)) files.push(name);
      }
      await ctx.outputs.write(JSON.stringify({ until, files }));
      ctx.setStatus(`${files.length} files`);
    },
  });

  const PartitionHour = defineTask({
    family: "PartitionHour",
    description: "Writes one hour's part of a drain from the drain's manifest",
    params: z.object({ hour: hourParam, until: hourParam }),
    contract: { reads: SpoolEvent, writes: SpoolEvent },
    requires: ({ until }) => SpoolManifest.of({ until }),
    output: ({ hour, until }) =>
      new LocalTarget(`${dataDir}/partitions/v1/${hour}/part-${until}.jsonl`),
    run: async (ctx, { hour }) => {
      const manifest = Manifest.parse(JSON.parse(await ctx.inputs.readText()));
      const byId = new Map<string, Event>();
      for (const name of manifest.files) {
        for (const e of readEvents(spoolDir, name)) if (hourOf(e.ts) === hour) byId.set(e.id, e);
      }
      const events = [...byId.values()].sort((a, b) =>
        Date.parse(a.ts) - Date.parse(b.ts) || a.id.localeCompare(b.id)
      );
      await ctx.outputs.write(events.map((e) => JSON.stringify(e) + "\n").join(""));
      ctx.setStatus(`${events.length} events`);
    },
  });

  const DrainSpool = defineTask({
    family: "DrainSpool",
    description: "Drains spooled events up to an hour into hourly partitions",
    params: z.object({ until: hourParam }),
    requires: ({ until }) => SpoolManifest.of({ until }),
    output: ({ until }) => new LocalTarget(`${dataDir}/drains/v1/${until}.json`),
    run: async (ctx, { until }) => {
      const manifest = Manifest.parse(JSON.parse(await ctx.inputs.readText()));
      const hours = new Set<string>();
      for (const name of manifest.files) {
        for (const e of readEvents(spoolDir, name)) hours.add(hourOf(e.ts));
      }
      // Parked here until every part is written; then run() starts again from the top.
      await ctx.requires([...hours].sort().map((hour) => PartitionHour.of({ hour, until })));
      await Deno.mkdir(`${spoolDir}/drained`, { recursive: true });
      for (const name of manifest.files) {
        await Deno.rename(`${spoolDir}/${name}`, `${spoolDir}/drained/${name}`).catch((error) => {
          // A rerun after a crash mid-move finds some files moved already.
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
      }
      await ctx.outputs.write(
        JSON.stringify({ until, hours: [...hours].sort(), drained: manifest.files }),
      );
    },
  });

  return {
    SpoolManifest,
    PartitionHour,
    DrainSpool,
    all: [SpoolManifest, PartitionHour, DrainSpool],
  };
}

/** Spool file names (not yet drained), sorted. */
function spoolFiles(spoolDir: string): string[] {
  const files: string[] = [];
  try {
    for (const entry of Deno.readDirSync(spoolDir)) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) files.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files.sort();
}

/** A spool file's events, wherever it is now (still spooled, or drained by a crashed drain). */
function readEvents(spoolDir: string, name: string): Event[] {
  for (const path of [`${spoolDir}/${name}`, `${spoolDir}/drained/${name}`]) {
    try {
      return validateJsonLines(Deno.readTextFileSync(path), SpoolEvent, name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  throw new Deno.errors.NotFound(
    `Spool file ${name} is neither in ${spoolDir} nor in its drained/ folder`,
  );
}

function hourOf(ts: string): string {
  return new Date(ts).toISOString().slice(0, 13);
}

/** Drops a file of events into the spool atomically (for producers and tests). */
export async function spoolEvents(dataDir: string, name: string, events: unknown[]): Promise<void> {
  await atomicWrite(
    `${dataDir}/spool/${name}.jsonl`,
    events.map((e) => JSON.stringify(e) + "\n").join(""),
  );
}
