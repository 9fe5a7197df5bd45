/**
 * Files on the worker's disk, written atomically.
 *
 * @module
 */
import { syncDir } from "./dir_sync.ts";
import {
  type OutputData,
  safeStageKey,
  type StagedDescription,
  type StagedOutput,
  type Target,
} from "./target.ts";

/** The staged outputs' kind of `LocalTarget`. */
export const LOCAL_KIND = "local";

/**
 * A file output. Final writes are atomic: the bytes go to a temporary file in
 * the same directory, are fsynced, then renamed over the final name, so a
 * reader sees the old file or the new one, never half of one.
 *
 * @example
 * ```ts
 * import { LocalTarget } from "./local_target.ts";
 * const dir = await Deno.makeTempDir();
 * const t = new LocalTarget(`${dir}/out.json`);
 * const staged = t.stage("attempt-1");
 * await staged.write("{}");
 * await staged.commit();
 * console.assert(await t.exists());
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class LocalTarget implements Target {
  /** Absolute or relative path of the final file. */
  readonly path: string;

  /** Creates a target for the file at `path`. */
  constructor(path: string) {
    if (!path) throw new TypeError("LocalTarget needs a non-empty path");
    this.path = path;
  }

  /** `file://` URI of the final file. */
  get uri(): string {
    return `file://${this.path.startsWith("/") ? "" : "./"}${this.path}`;
  }

  /** Whether the final file exists. */
  async exists(): Promise<boolean> {
    try {
      const info = await Deno.stat(this.path);
      return info.isFile;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /** Reads the final file as text. */
  readText(): Promise<string> {
    return Deno.readTextFile(this.path);
  }

  /** Writes the final file directly and atomically (outside any task attempt). */
  async writeAtomic(data: string | Uint8Array): Promise<void> {
    await atomicWrite(this.path, data);
  }

  /** Opens a staged write next to the final file. */
  stage(stageKey: string): StagedOutput {
    const safe = safeStageKey(stageKey);
    return new LocalStagedOutput(this, `${this.path}.staging-${safe}`);
  }

  /** Turns an outbox description back into a staged output. */
  static fromDescription(description: StagedDescription): StagedOutput {
    return new LocalStagedOutput(new LocalTarget(description.final), description.staging);
  }
}

class LocalStagedOutput implements StagedOutput {
  readonly target: LocalTarget;
  readonly #staging: string;
  /** This object wrote the staging file, and has not committed or discarded it since. */
  #written = false;

  constructor(target: LocalTarget, staging: string) {
    this.target = target;
    this.#staging = staging;
  }

  /**
   * Writes the staging file in place (its name is already this attempt's
   * own, so no temporary file and rename are needed): data, then its
   * directory entry, made durable before the outbox can name it. Creating
   * a file and writing a small one are synchronous calls (a fraction of a
   * millisecond, where each asynchronous call costs a trip through the
   * runtime's thread pool); the flushes to disk are asynchronous, so the
   * attempts of one worker wait for the disk together, not in turn.
   */
  async write(data: OutputData): Promise<void> {
    const file = createFile(this.#staging);
    if (data instanceof ReadableStream) {
      // A stream goes to the file as it comes (the file is closed by the pipe).
      await data.pipeTo(file.writable);
      const synced = await Deno.open(this.#staging, { read: true });
      try {
        await synced.syncData();
      } finally {
        synced.close();
      }
      await syncDir(dirname(this.#staging));
      this.#written = true;
      return;
    }
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    try {
      if (bytes.length <= SYNC_WRITE_BYTES) {
        let offset = 0;
        while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
      } else await writeAll(file, bytes);
      await file.syncData();
    } finally {
      file.close();
    }
    await syncDir(dirname(this.#staging));
    this.#written = true;
  }

  async written(): Promise<boolean> {
    return this.#written || await fileExists(this.#staging);
  }

  async commit(): Promise<void> {
    try {
      Deno.renameSync(this.#staging, this.target.path);
    } catch (error) {
      // A repeat after a successful commit finds no staging file: fine if the
      // final file is there (the rename already happened).
      if (error instanceof Deno.errors.NotFound && await this.target.exists()) return;
      throw error;
    }
    this.#written = false;
    await syncDir(dirname(this.target.path));
  }

  async discard(): Promise<void> {
    this.#written = false;
    // A process killed inside write() leaves a partial staging file; one of
    // an older version, killed inside atomicWrite(), left a temporary file
    // beside it under its name: both go.
    await removeWithPartials(this.#staging);
  }

  describe(): StagedDescription {
    return { kind: LOCAL_KIND, final: this.target.path, staging: this.#staging };
  }
}

/**
 * Writes `data` to `path` atomically: temp file in the same directory, fsync,
 * rename, fsync of the directory. Creates missing parent directories.
 *
 * @example
 * ```ts
 * import { atomicWrite } from "./local_target.ts";
 * const dir = await Deno.makeTempDir();
 * await atomicWrite(`${dir}/a/b.txt`, "hello");
 * console.assert(await Deno.readTextFile(`${dir}/a/b.txt`) === "hello");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  const file = createFile(tmp);
  try {
    await writeAll(file, data);
    await file.sync();
  } finally {
    file.close();
  }
  try {
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  await syncDir(dir);
}

/**
 * Removes `path`, if there, and the temporary files {@link atomicWrite} left
 * beside it when its process was killed inside it.
 */
export async function removeWithPartials(path: string): Promise<void> {
  await removeIfThere(path);
  const dir = dirname(path);
  const partial = `${path.slice(path.lastIndexOf("/") + 1)}.tmp-`;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(partial)) await removeIfThere(`${dir}/${entry.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function writeAll(file: Deno.FsFile, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/** Outputs up to this size are written with synchronous calls (see `write()`). */
const SYNC_WRITE_BYTES = 64 * 1024;

/** Directories this process made or found: most outputs share a few. */
const knownDirs = new Set<string>();

/**
 * Opens `path` to write from scratch, making its directory first unless this
 * process already did (one removed since is made again when the open fails).
 * Synchronous: an open or a mkdir takes a fraction of a millisecond, less
 * than a trip through the runtime's thread pool.
 */
function createFile(path: string): Deno.FsFile {
  const dir = dirname(path);
  const options = { write: true, create: true, truncate: true };
  if (knownDirs.has(dir)) {
    try {
      return Deno.openSync(path, options);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      knownDirs.delete(dir);
    }
  }
  Deno.mkdirSync(dir, { recursive: true });
  if (knownDirs.size >= 10_000) knownDirs.clear();
  knownDirs.add(dir);
  return Deno.openSync(path, options);
}

async function removeIfThere(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : path.slice(0, i);
}
