/** Where `drover` writes: standard output for results, standard error for the rest. */

/** The CLI's output streams. */
export interface Io {
  /** Writes `text` and a newline to standard output. */
  out(text: string): void;
  /** Writes `text` and a newline to standard error. */
  err(text: string): void;
  /** Writes `text` as is to standard error (progress redraws). */
  errRaw(text: string): void;
  /** Whether standard error is a terminal (live progress is drawn there). */
  readonly stderrIsTerminal: boolean;
  /** The terminal's width in columns, or null when unknown. */
  terminalColumns(): number | null;
}

/** The process's real streams. */
export function createDenoIo(): Io {
  const encoder = new TextEncoder();
  return {
    out: (text) => writeAll(Deno.stdout, encoder.encode(`${text}\n`)),
    err: (text) => writeAll(Deno.stderr, encoder.encode(`${text}\n`)),
    errRaw: (text) => writeAll(Deno.stderr, encoder.encode(text)),
    stderrIsTerminal: Deno.stderr.isTerminal(),
    terminalColumns: () => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return null; // no terminal
      }
    },
  };
}

/** Streams kept in memory, for tests. */
export function createMemoryIo(
  options: { stderrIsTerminal?: boolean; columns?: number } = {},
): Io & { readonly stdout: string; readonly stderr: string } {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    errRaw: (text) => {
      stderr += text;
    },
    stderrIsTerminal: options.stderrIsTerminal ?? false,
    terminalColumns: () => options.columns ?? null,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  try {
    let written = 0;
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  } catch (error) {
    // The reader went away (`drover runs | head`): nothing left to tell it.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}
