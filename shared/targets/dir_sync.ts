/**
 * Directory fsyncs shared by the writers that need them at the same time.
 *
 * A directory's fsync makes durable every entry made in it before the fsync
 * began. So a writer that asks while one is running waits for that one and
 * then for the next, which starts once it ends and serves everyone who asked
 * meanwhile: eight attempts finishing together into one directory cost two
 * fsyncs, not eight, and none is reported durable before it is.
 *
 * @module
 */

/** The fsyncs of one directory: at most one running and one waiting. */
class DirSync {
  readonly #dir: string;
  #running: Promise<void> | null = null;
  #waiting: Promise<void> | null = null;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get idle(): boolean {
    return this.#running === null && this.#waiting === null;
  }

  sync(): Promise<void> {
    if (this.#waiting) return this.#waiting;
    if (!this.#running) return this.#start();
    // The running one may have begun before the caller's change.
    this.#waiting = this.#running.then(() => {
      this.#waiting = null;
      return this.#start();
    });
    return this.#waiting;
  }

  #start(): Promise<void> {
    const run = fsyncDir(this.#dir).finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }
}

/** Directories with an fsync running or waiting (idle ones are dropped when it grows). */
const syncs = new Map<string, DirSync>();

/**
 * Makes the entries made in `dir` so far durable (a rename, a new file),
 * sharing the fsync with concurrent callers. Best effort: some file systems
 * refuse to open directories; a rename there is still atomic, only not yet
 * durable.
 */
export function syncDir(dir: string): Promise<void> {
  let s = syncs.get(dir);
  if (!s) {
    if (syncs.size >= 1_000) {
      for (const [d, other] of syncs) if (other.idle) syncs.delete(d);
    }
    s = new DirSync(dir);
    syncs.set(dir, s);
  }
  return s.sync();
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = Deno.openSync(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // best effort, see above
  }
}
