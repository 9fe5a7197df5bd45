/**
 * The live progress of a run or backfill being waited on: a redrawn one-line
 * bar on a terminal, a plain line at most once a second otherwise.
 */
import type { RunStatus } from "../shared/api_schemas.ts";
import type { CommandContext } from "./command_context.ts";
import { formatDuration } from "./format_time.ts";

/** Without a terminal, a progress line is printed at most this often. */
const LINE_EVERY_MS = 1000;

/** What a progress line counts. */
export interface Tally {
  done: number;
  total: number;
  running: number;
  failed: number;
  /** Shown after the total: `7/11 days done`. None for tasks. */
  unit?: string;
}

/** `[#####-----] 7/11 done · 2 running · 0 failed · 1.2s`. */
export function formatTally(tally: Tally, elapsedMs: number, width = 10): string {
  const { done, total, running, failed } = tally;
  // Floor, so the bar is full only when everything is done.
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const unit = tally.unit ? ` ${tally.unit}` : "";
  return `[${bar}] ${done}/${total}${unit} done · ${running} running · ${failed} failed · ${
    formatElapsed(elapsedMs)
  }`;
}

/**
 * The line of a run whose root is not expanded yet, so whose size is not
 * known: `[----------] expanding the graph… · 0.4s`, or `waiting to expand`
 * while the root waits for a worker.
 */
export function formatUnexpanded(
  rootState: "ready" | "leased",
  elapsedMs: number,
  width = 10,
): string {
  const doing = rootState === "leased" ? "expanding the graph…" : "waiting to expand the graph…";
  return `[${"-".repeat(width)}] ${doing} · ${formatElapsed(elapsedMs)}`;
}

/** Tenths of a second below a minute, so a live line does not jump between units. */
function formatElapsed(elapsedMs: number): string {
  return elapsedMs < 60_000
    ? `${(Math.max(0, elapsedMs) / 1000).toFixed(1)}s`
    : formatDuration(elapsedMs);
}

/** A run's progress line: its tasks done, leased and failed. */
export function formatProgress(run: RunStatus, elapsedMs: number, width = 10): string {
  return formatTally(
    {
      done: run.counts.done ?? 0,
      total: run.total,
      running: run.counts.leased ?? 0,
      failed: run.counts.failed ?? 0,
    },
    elapsedMs,
    width,
  );
}

/** Shows progress while something is waited on. */
export interface ProgressReporter<T> {
  /** Shows the latest status. */
  update(value: T): void;
  /** Clears the live line, before the summary is printed. */
  end(): void;
}

/** Options for {@link createProgressReporter}. */
export interface ProgressOptions<T> {
  /** Writes raw text (no newline added) to standard error. */
  write: (text: string) => void;
  /** Redraw in place (`\r`) instead of printing lines. */
  tty: boolean;
  /** The CLI's clock: a line without a terminal is printed at most once a second of it. */
  now: () => number;
  /** The elapsed time a status shows (a run's own, from the hub's times). */
  elapsedMs: (value: T) => number;
  /** The line for a status (`formatProgress` for a run). */
  format: (value: T, elapsedMs: number) => string;
  /** The terminal's width, if known: a longer live line would wrap and break the redraw. */
  columns: () => number | null;
}

/**
 * The reporter of a `--wait` on standard error, showing `elapsedMs` of each
 * status; null with `--json` and no terminal, so that scripts merging the
 * streams read JSON only.
 */
export function progressOnStderr<T>(
  ctx: CommandContext,
  elapsedMs: (value: T) => number,
  format: (value: T, elapsedMs: number) => string,
): ProgressReporter<T> | null {
  if (ctx.json && !ctx.io.stderrIsTerminal) return null;
  return createProgressReporter({
    write: ctx.io.errRaw,
    tty: ctx.io.stderrIsTerminal,
    now: ctx.now,
    elapsedMs,
    format,
    columns: ctx.io.terminalColumns,
  });
}

/** Creates a reporter that writes through `options.write`. */
export function createProgressReporter<T>(options: ProgressOptions<T>): ProgressReporter<T> {
  let lastPrintedAt: number | null = null;
  let drawn = false;
  return {
    update(value) {
      const now = options.now();
      const line = options.format(value, options.elapsedMs(value));
      if (options.tty) {
        // \x1b[K clears what a longer previous line left behind.
        options.write(`\r${fitLine(line, options.columns())}\x1b[K`);
        drawn = true;
        return;
      }
      if (lastPrintedAt !== null && now - lastPrintedAt < LINE_EVERY_MS) return;
      lastPrintedAt = now;
      options.write(`${line}\n`);
    },
    end() {
      if (drawn) options.write("\r\x1b[K");
      drawn = false;
    },
  };
}

/**
 * `line` cut to `columns - 1` characters, the last one `…`, so that it never
 * reaches the terminal's last column (where it would wrap). Null: as is.
 */
export function fitLine(line: string, columns: number | null): string {
  if (columns === null || columns < 2) return line;
  const chars = [...line];
  return chars.length < columns ? line : `${chars.slice(0, columns - 2).join("")}…`;
}
