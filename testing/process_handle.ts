/**
 * A child process whose standard error is read as JSON log lines, as the
 * hub and the worker write them: what end-to-end tests, benchmarks and
 * scripts wait on. A process is signalled and stopped by its own PID only.
 *
 * @module
 */

/** A parsed log line (or `{ msg: <raw text> }` for a line that is not JSON). */
export type LogLine = Record<string, unknown> & { msg?: string };

/** Most lines a handle keeps; past it, the oldest 5,000 are dropped. */
const MAX_LINES = 20_000;

/** A child process whose standard error is read as JSON log lines. */
export class ProcessHandle {
  readonly child: Deno.ChildProcess;
  readonly name: string;
  readonly #lines: LogLine[] = [];
  readonly #waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  readonly #reading: Promise<void>;
  readonly #echo: boolean;
  #exited = false;

  /** Reads `child`'s standard error (which must be piped); `echo` copies each line to ours. */
  constructor(child: Deno.ChildProcess, name: string, echo = false) {
    this.child = child;
    this.name = name;
    this.#echo = echo;
    this.#reading = this.#read();
    child.status.then(() => {
      this.#exited = true;
    });
  }

  /** The OS process id. */
  get pid(): number {
    return this.child.pid;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The lines seen so far (the last 20,000 at most). */
  get lines(): readonly LogLine[] {
    return this.#lines;
  }

  /** Resolves with the first line (already seen or future) that matches; rejects after `timeoutMs`. */
  waitFor(match: (l: LogLine) => boolean, timeoutMs = 30_000, what = "log line"): Promise<LogLine> {
    const seen = this.#lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (l: LogLine) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(l);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(`${this.name}: no ${what} within ${timeoutMs} ms. Last lines:\n${this.tail()}`),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Waits for the next line matching `match` that arrives after this call. */
  next(match: (l: LogLine) => boolean, timeoutMs = 30_000, what = "log line"): Promise<LogLine> {
    // Lines already seen are checked synchronously inside waitFor, before
    // `armed` is set; only lines arriving later can match. (Positions would
    // not do: the buffer drops old lines.)
    let armed = false;
    const waiting = this.waitFor((l) => armed && match(l), timeoutMs, what);
    armed = true;
    return waiting;
  }

  /** The last `n` lines as JSON text, one per line (for error messages). */
  tail(n = 15): string {
    return this.#lines.slice(-n).map((l) => JSON.stringify(l)).join("\n");
  }

  /** Sends a signal to this process (by its PID); nothing once it has exited. */
  kill(signal: Deno.Signal = "SIGTERM"): void {
    if (this.#exited) return;
    try {
      this.child.kill(signal);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
  }

  /** Sends SIGTERM (then SIGKILL after `graceMs`) and waits for the exit and its last lines. */
  async stop(graceMs = 10_000): Promise<Deno.CommandStatus> {
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    try {
      const status = await this.child.status;
      await this.#reading;
      return status;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Same as `stop()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoderStream();
    let buffered = "";
    for await (const chunk of this.child.stderr.pipeThrough(decoder)) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (this.#echo) console.error(`[${this.name}] ${text}`);
        const line = parseLine(text);
        this.#lines.push(line);
        if (this.#lines.length > MAX_LINES) this.#lines.splice(0, 5_000);
        for (const w of [...this.#waiters]) if (w.match(line)) w.resolve(line);
      }
    }
  }
}

function parseLine(text: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? parsed as LogLine
      : { msg: text };
  } catch {
    return { msg: text };
  }
}
