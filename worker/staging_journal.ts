/**
 * Staged outputs whose fate is not settled yet, journaled in the worker's
 * state directory (beside the outbox journal) so that what a killed process
 * left behind can be swept at the next start.
 *
 * An attempt's staged outputs are journaled (`open`) before the task can
 * write to them, and marked `done` once they are resolved: discarded, or
 * handed to an outbox entry (the outbox then commits or discards them when
 * the hub answers, across restarts). A staging file can live anywhere (a
 * `LocalTarget` stages next to its final file), so the journal is the only
 * way to find them again.
 *
 * At start, after the outbox has been read back, every staged output of an
 * open record that no outbox entry references is discarded through
 * `restoreStaged()` (any target kind), and the journal is compacted. An
 * output that an outbox entry still references is never touched: the
 * pending publication may still commit it. Like the outbox, the journal is
 * written without fsync: it survives the process being killed, not the
 * machine losing power.
 */
import { z } from "zod";
import type { Logger } from "../shared/log.ts";
import type { StagedDescription } from "../shared/targets/target.ts";
import { restoreStaged } from "./restore_staged.ts";

const journalLineSchema = z.discriminatedUnion("op", [
  z.object({
    op: z.literal("open"),
    id: z.string(),
    staged: z.array(z.object({
      kind: z.string(),
      final: z.string(),
      staging: z.string(),
      options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })),
  }),
  z.object({ op: z.literal("done"), id: z.string() }),
]);

type JournalLine = z.infer<typeof journalLineSchema>;

/** Past this many bytes, the journal is truncated whenever no record is open. */
const TRUNCATE_AFTER_BYTES = 1 << 20;

const identity = (d: StagedDescription) => JSON.stringify([d.kind, d.final, d.staging]);

/** The staging journal of one worker process. */
export class StagingJournal {
  /** Staged outputs discarded by the sweep at open. */
  readonly swept: number;
  readonly #open = new Set<string>();
  readonly #prefix = crypto.randomUUID().slice(0, 8);
  #file: Deno.FsFile | null;
  #count = 0;
  #bytes = 0;

  private constructor(file: Deno.FsFile | null, swept: number, kept: readonly string[]) {
    this.#file = file;
    this.swept = swept;
    for (const id of kept) this.#open.add(id);
  }

  /**
   * Opens the journal in `dir`, sweeping what a previous process left: the
   * staged outputs of open records, except those in `pending` (what the
   * outbox still references). Without `dir` there is nothing to journal or
   * sweep.
   */
  static async open(
    dir: string | undefined,
    pending: readonly StagedDescription[],
    log?: Logger,
  ): Promise<StagingJournal> {
    if (!dir) return new StagingJournal(null, 0, []);
    await Deno.mkdir(dir, { recursive: true });
    const path = `${dir}/staging.jsonl`;
    const records = await readRecords(path);
    const keep = new Set(pending.map(identity));
    let swept = 0;
    const left = new Map<string, StagedDescription[]>();
    for (const [id, staged] of records) {
      const failed: StagedDescription[] = [];
      for (const description of staged) {
        if (keep.has(identity(description))) continue;
        try {
          await restoreStaged(description).discard();
          swept++;
        } catch (error) {
          log?.warn("cannot discard a staged output left by a previous process", {
            staging: description.staging,
            error,
          });
          failed.push(description);
        }
      }
      if (failed.length > 0) left.set(id, failed);
    }
    if (swept > 0) log?.info("swept staged outputs of killed attempts", { count: swept });
    const compacted = [...left].map(([id, staged]) => line({ op: "open", id, staged })).join("");
    await Deno.writeTextFile(`${path}.tmp`, compacted);
    await Deno.rename(`${path}.tmp`, path);
    const file = await Deno.open(path, { append: true, create: true });
    return new StagingJournal(file, swept, [...left.keys()]);
  }

  /**
   * Journals the staged outputs an attempt opened, before it writes to them;
   * returns the record's id for {@link StagingJournal.resolved} (null when
   * there is nothing to journal).
   */
  opened(staged: readonly StagedDescription[]): string | null {
    if (!this.#file || staged.length === 0) return null;
    const id = `${this.#prefix}-${++this.#count}`;
    this.#open.add(id);
    this.#append({ op: "open", id, staged: [...staged] });
    return id;
  }

  /** Marks an attempt's staged outputs resolved: discarded, committed, or owned by the outbox. */
  resolved(id: string | null): void {
    if (id === null || !this.#open.delete(id)) return;
    this.#append({ op: "done", id });
    if (this.#open.size === 0 && this.#bytes > TRUNCATE_AFTER_BYTES) {
      // Nothing is open: an empty journal says the same, in less space.
      this.#file?.truncateSync(0);
      this.#bytes = 0;
    }
  }

  /** Closes the journal. */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  #append(entry: JournalLine): void {
    if (!this.#file) return;
    const bytes = new TextEncoder().encode(line(entry));
    this.#file.writeSync(bytes);
    this.#bytes += bytes.length;
  }
}

function line(entry: JournalLine): string {
  return JSON.stringify(entry) + "\n";
}

/** The records still open in the journal at `path`, in the order they were opened. */
async function readRecords(path: string): Promise<Map<string, StagedDescription[]>> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const records = new Map<string, StagedDescription[]>();
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      continue; // a torn last line from a killed process
    }
    const result = journalLineSchema.safeParse(json);
    if (!result.success) continue;
    const parsed = result.data;
    if (parsed.op === "open") records.set(parsed.id, parsed.staged);
    else records.delete(parsed.id);
  }
  return records;
}
