/**
 * Results the hub has not acknowledged yet (completions, failures,
 * expansions), kept until a `task.ack` arrives and replayed after every
 * reconnect. With a state directory, entries are also appended to a JSON
 * lines journal, so a restarted worker delivers what its predecessor
 * could not (the idempotency key makes the repeat safe). The journal is
 * written without fsync: it survives the process being killed, not the
 * machine losing power — in that case the lease expires and the task
 * runs again, which is still published once.
 */
import type { WorkerFrame } from "../shared/protocol.ts";
import type { StagedDescription } from "../shared/targets/target.ts";

/** One unacknowledged result. */
export interface OutboxEntry {
  key: string;
  frame: Extract<
    WorkerFrame,
    { type: "task.complete" | "task.fail" | "expand.result" | "task.park" }
  >;
  /** Staged outputs to commit when the hub accepts, or discard when it refuses. */
  staged: StagedDescription[];
}

type JournalLine = { op: "add"; entry: OutboxEntry } | { op: "done"; key: string };

/** The worker's outbox. */
export class Outbox {
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #path: string | null;
  #file: Deno.FsFile | null = null;

  private constructor(path: string | null) {
    this.#path = path;
  }

  /** Opens an outbox; with `dir`, replays and compacts its journal. */
  static async open(dir?: string): Promise<Outbox> {
    if (!dir) return new Outbox(null);
    await Deno.mkdir(dir, { recursive: true });
    const path = `${dir}/outbox.jsonl`;
    const outbox = new Outbox(path);
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      let parsed: JournalLine;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // a torn last line from a killed process
      }
      if (parsed.op === "add") outbox.#entries.set(parsed.entry.key, parsed.entry);
      else outbox.#entries.delete(parsed.key);
    }
    const compacted = [...outbox.#entries.values()]
      .map((entry) => JSON.stringify({ op: "add", entry }) + "\n").join("");
    await Deno.writeTextFile(`${path}.tmp`, compacted);
    await Deno.rename(`${path}.tmp`, path);
    outbox.#file = await Deno.open(path, { append: true, create: true });
    return outbox;
  }

  /** Entries in the order they were added. */
  entries(): OutboxEntry[] {
    return [...this.#entries.values()];
  }

  /** How many entries wait. */
  get size(): number {
    return this.#entries.size;
  }

  /** One entry by key. */
  get(key: string): OutboxEntry | undefined {
    return this.#entries.get(key);
  }

  /** Adds an entry (journaled before the frame is sent). */
  add(entry: OutboxEntry): void {
    this.#entries.set(entry.key, entry);
    this.#append({ op: "add", entry });
  }

  /** Removes an acknowledged entry. */
  remove(key: string): void {
    if (!this.#entries.delete(key)) return;
    this.#append({ op: "done", key });
  }

  /** Closes the journal. */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  #append(line: JournalLine): void {
    if (!this.#file) return;
    this.#file.writeSync(new TextEncoder().encode(JSON.stringify(line) + "\n"));
  }
}
