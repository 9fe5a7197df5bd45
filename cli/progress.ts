/**
 * The live progress of a run being waited on: a redrawn one-line bar on a
 * terminal, a plain line at most once per `intervalMs` otherwise.
 */
import type { RunStatus } from "./api_schemas.ts";
import { formatDuration } from "./format_time.ts";

/** `[#####-----] 7/11 done · 2 running · 0 failed · 1.2s`. */
export function formatProgress(run: RunStatus, elapsedMs: number, width = 10): string {
  const done = run.counts.done ?? 0;
  const running = run.counts.leased ?? 0;
  const failed = run.counts.failed ?? 0;
  // Floor, so the bar is full only when every task is done.
  const filled = run.total > 0 ? Math.min(width, Math.floor((done / run.total) * width)) : 0;
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  // Tenths of a second below a minute, so the line does not jump between units.
  const elapsed = elapsedMs < 60_000
    ? `${(Math.max(0, elapsedMs) / 1000).toFixed(1)}s`
    : formatDuration(elapsedMs);
  return `[${bar}] ${done}/${run.total} done · ${running} running · ${failed} failed · ${elapsed}`;
}

/** Shows a run's progress while it is waited on. */
export interface ProgressReporter {
  /** Shows the latest status. */
  update(run: RunStatus): void;
  /** Clears the live line, before the summary is printed. */
  end(): void;
}

/** Options for {@link createProgressReporter}. */
export interface ProgressOptions {
  /** Writes raw text (no newline added) to standard error. */
  write: (text: string) => void;
  /** Redraw in place (`\r`) instead of printing lines. */
  tty: boolean;
  now: () => number;
  /** When the wait started, for the elapsed time. */
  startedAt: number;
  /** Without a terminal, print at most one line per this long. Default 1000. */
  intervalMs?: number;
}

/** Creates a reporter that writes through `options.write`. */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const intervalMs = options.intervalMs ?? 1000;
  let lastPrintedAt: number | null = null;
  let drawn = false;
  return {
    update(run) {
      const now = options.now();
      const line = formatProgress(run, now - options.startedAt);
      if (options.tty) {
        // \x1b[K clears what a longer previous line left behind.
        options.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      if (lastPrintedAt !== null && now - lastPrintedAt < intervalMs) return;
      lastPrintedAt = now;
      options.write(`${line}\n`);
    },
    end() {
      if (drawn) options.write("\r\x1b[K");
      drawn = false;
    },
  };
}
