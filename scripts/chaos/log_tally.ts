/**
 * Counts log lines per message as they arrive, across process restarts: a
 * process handle keeps only its last 20,000 lines, so a long chaos run must
 * tally them before they fall out.
 */
import type { LogLine, ProcessHandle } from "../../testing/process_handle.ts";

/** Which kind of process a line came from. */
export type Role = "hub" | "worker";

/** Sees every line as it is tallied. */
export type LineListener = (handle: ProcessHandle, role: Role, line: LogLine) => void;

/** Counts log lines per message, per role and per process. */
export class LogTally {
  readonly #totals: Record<Role, Map<string, number>> = { hub: new Map(), worker: new Map() };
  readonly #perProcess = new Map<ProcessHandle, Map<string, number>>();
  readonly #cursors = new Map<ProcessHandle, { role: Role; last: LogLine | null }>();
  /** Hub "task published" lines with `repeat: true`: redeliveries absorbed by their key. */
  duplicatesAbsorbed = 0;
  /** Times a handle's ring dropped lines this tally had not seen yet. */
  untallied = 0;
  /** See every line as it is tallied. */
  readonly listeners = new Set<LineListener>();

  /** Starts counting the lines of `handle`. */
  track(handle: ProcessHandle, role: Role): void {
    this.#cursors.set(handle, { role, last: null });
    this.#perProcess.set(handle, new Map());
  }

  /** Tallies the new lines of every tracked process. */
  scanAll(): void {
    for (const handle of this.#cursors.keys()) this.#scan(handle);
  }

  /** Tallies what is left of a process that exited, then forgets its handle. */
  retire(handle: ProcessHandle): void {
    this.#scan(handle);
    this.#cursors.delete(handle);
  }

  /** Lines with `msg` from one process so far. */
  of(handle: ProcessHandle, msg: string): number {
    this.#scan(handle);
    return this.#perProcess.get(handle)?.get(msg) ?? 0;
  }

  /** Lines with `msg` from every process of a role so far. */
  count(role: Role, msg: string): number {
    return this.#totals[role].get(msg) ?? 0;
  }

  #scan(handle: ProcessHandle): void {
    const cursor = this.#cursors.get(handle);
    if (!cursor) return;
    // The ring drops its oldest 5,000 lines at 20,000: find our place by identity.
    const lines = handle.lines;
    let start = 0;
    if (cursor.last) {
      const i = lines.lastIndexOf(cursor.last);
      if (i < 0) this.untallied++;
      start = i + 1;
    }
    const totals = this.#totals[cursor.role];
    const mine = this.#perProcess.get(handle)!;
    for (let i = start; i < lines.length; i++) {
      const line = lines[i]!;
      const msg = String(line.msg ?? "");
      totals.set(msg, (totals.get(msg) ?? 0) + 1);
      mine.set(msg, (mine.get(msg) ?? 0) + 1);
      if (cursor.role === "hub" && msg === "task published" && line.repeat === true) {
        this.duplicatesAbsorbed++;
      }
      for (const listen of this.listeners) listen(handle, cursor.role, line);
    }
    if (lines.length > 0) cursor.last = lines[lines.length - 1]!;
  }
}
