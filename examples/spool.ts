/**
 * The hybrid streaming hand-off: producers drop JSON-lines files of events
 * into `spool/`; `DrainSpool(until)` discovers at expansion which hours the
 * spooled events fall in, requires one `PartitionHour(hour, until)` per hour
 * (each drain writes its own part file of the hour, so late events land in a
 * later part instead of being lost), and once the parts are written moves
 * exactly the files they were written from to `spool/drained/`. Each spool
 * file is drained once; events are deduplicated by id within a part.
 */
import { z } from "zod";
import { validateJsonLines } from "../shared/contract.ts";
import { atomicWrite, LocalTarget } from "../shared/targets/local_target.ts";
import { defineTask } from "../shared/task.ts";

const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

/** A spooled event. */
export const SpoolEvent = z.object({ id: z.string().min(1), ts: z.iso.datetime({ offset: true }) })
  .loose();

/** Creates the spool families under `dataDir`. */
export function createSpoolTasks(dataDir: string) {
  const spoolDir = `${dataDir}/spool`;

  const PartitionHour = defineTask({
    family: "PartitionHour",
    description:
      "Writes one hour's part of a drain: its events, and the spool files they came from",
    params: z.object({
      hour: z.string().regex(HOUR, "expected YYYY-MM-DDTHH"),
      until: z.string().regex(HOUR, "expected YYYY-MM-DDTHH"),
    }),
    contract: { reads: SpoolEvent, writes: SpoolEvent },
    output: ({ hour, until }) => ({
      events: new LocalTarget(`${dataDir}/partitions/v1/${hour}/part-${until}.jsonl`),
      sources: new LocalTarget(`${dataDir}/partitions/v1/${hour}/part-${until}.sources.json`),
    }),
    run: async (ctx, { hour, until }) => {
      const byId = new Map<string, z.infer<typeof SpoolEvent>>();
      const sources: string[] = [];
      for (const file of drainable(spoolDir, until).files) {
        const events = validateJsonLines(Deno.readTextFileSync(file), SpoolEvent, file)
          .filter((e) => hourOf(e.ts) === hour);
        if (events.length === 0) continue;
        sources.push(file.slice(file.lastIndexOf("/") + 1));
        for (const e of events) byId.set(e.id, e);
      }
      const events = [...byId.values()].sort((a, b) =>
        a.ts.localeCompare(b.ts) || a.id.localeCompare(b.id)
      );
      await ctx.outputs.events.write(events.map((e) => JSON.stringify(e) + "\n").join(""));
      await ctx.outputs.sources.write(JSON.stringify(sources));
      ctx.setStatus(`${events.length} events from ${sources.length} files`);
    },
  });

  const DrainSpool = defineTask({
    family: "DrainSpool",
    description: "Drains spooled events up to an hour into hourly partitions",
    params: z.object({ until: z.string().regex(HOUR, "expected YYYY-MM-DDTHH") }),
    // The hours are discovered at expansion, from the files in the spool now.
    requires: ({ until }) =>
      [...drainable(spoolDir, until).hours].sort().map((hour) => PartitionHour.of({ hour, until })),
    output: ({ until }) => new LocalTarget(`${dataDir}/drains/v1/${until}.json`),
    run: async (ctx, { until }) => {
      // Move exactly the files the parts were written from: a file that
      // arrived since stays in the spool for the next drain.
      const drained = new Set<string>();
      for (const part of ctx.inputs) {
        for (const name of JSON.parse(await part.sources.readText()) as string[]) drained.add(name);
      }
      await Deno.mkdir(`${spoolDir}/drained`, { recursive: true });
      for (const name of [...drained].sort()) {
        await Deno.rename(`${spoolDir}/${name}`, `${spoolDir}/drained/${name}`).catch((error) => {
          // A rerun after a crash mid-move finds some files moved already.
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
      }
      await ctx.outputs.write(JSON.stringify({ until, drained: [...drained].sort() }));
    },
  });

  return { PartitionHour, DrainSpool, all: [PartitionHour, DrainSpool] };
}

/** Spool files whose events all fall at or before `until`, and the hours they cover. */
function drainable(spoolDir: string, until: string): { files: string[]; hours: Set<string> } {
  const files: string[] = [];
  const hours = new Set<string>();
  for (const file of spoolFiles(spoolDir)) {
    const fileHours = validateJsonLines(Deno.readTextFileSync(file), SpoolEvent, file).map((e) =>
      hourOf(e.ts)
    );
    if (fileHours.every((h) => h <= until)) {
      files.push(file);
      for (const h of fileHours) hours.add(h);
    }
  }
  return { files, hours };
}

function spoolFiles(spoolDir: string): string[] {
  const files: string[] = [];
  try {
    for (const entry of Deno.readDirSync(spoolDir)) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) files.push(`${spoolDir}/${entry.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files.sort();
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
