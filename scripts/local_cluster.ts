/**
 * Starts real hub and worker processes on loopback and watches their JSON
 * log lines: used by end-to-end tests, benchmarks and demos. Every process
 * is ended by its own PID; nothing else is touched.
 */

import { generateToken } from "../shared/token_format.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A parsed log line (or `{ msg: <raw text> }` for a line that is not JSON). */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A child process whose standard error is read as JSON log lines. */
export class ProcessHandle {
  readonly child: Deno.ChildProcess;
  readonly name: string;
  readonly #lines: LogLine[] = [];
  readonly #waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  readonly #reading: Promise<void>;
  readonly #echo: boolean;
  #exited = false;

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

  /** The lines seen so far (the last 20,000). */
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
        const tail = this.#lines.slice(-15).map((l) => JSON.stringify(l)).join("\n");
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms. Last lines:\n${tail}`));
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

  /** Sends a signal to this process (by its PID). */
  kill(signal: Deno.Signal = "SIGTERM"): void {
    if (this.#exited) return;
    try {
      this.child.kill(signal);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
  }

  /** Sends SIGTERM (then SIGKILL after `graceMs`) and waits for the exit. */
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
        let line: LogLine;
        try {
          const parsed = JSON.parse(text);
          line = typeof parsed === "object" && parsed !== null ? parsed : { msg: text };
        } catch {
          line = { msg: text };
        }
        this.#lines.push(line);
        if (this.#lines.length > 20_000) this.#lines.splice(0, 5_000);
        for (const w of [...this.#waiters]) if (w.match(line)) w.resolve(line);
      }
    }
  }
}

/** Options for {@link spawnHub}. */
export interface SpawnHubOptions {
  dbUrl: string;
  port?: number;
  leaseTtlMs?: number;
  hubId?: string;
  logLevel?: string;
  env?: Record<string, string>;
  echo?: boolean;
}

/** A hub process. */
export interface HubProcess extends ProcessHandle {
  readonly url: string;
}

/** Starts `hub/main.ts` and waits until it listens. */
export async function spawnHub(options: SpawnHubOptions): Promise<ProcessHandle & { url: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}hub/main.ts`],
    cwd: ROOT,
    env: {
      DROVER_DB_URL: options.dbUrl,
      DROVER_PORT: String(options.port ?? 0),
      DROVER_HOST: "127.0.0.1",
      DROVER_LEASE_TTL_MS: String(options.leaseTtlMs ?? 15_000),
      DROVER_LOG_LEVEL: options.logLevel ?? "info",
      DROVER_ADMIN_TOKEN: LOCAL_ADMIN_TOKEN,
      ...(options.hubId ? { DROVER_HUB_ID: options.hubId } : {}),
      ...options.env,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const handle = new ProcessHandle(child, options.hubId ?? "hub", options.echo);
  try {
    const line = await handle.waitFor((l) => l.msg === "hub listening", 30_000, '"hub listening"');
    return Object.assign(handle, { url: String(line.url) });
  } catch (error) {
    await handle.stop(1_000);
    throw error;
  }
}

/** Options for {@link spawnWorker}. */
export interface SpawnWorkerOptions {
  hubUrl: string;
  /** Entry module, relative to the repository root. Default `examples/worker.ts`. */
  entry?: string;
  name?: string;
  slots?: number;
  labels?: string;
  stateDir?: string;
  dataDir?: string;
  logLevel?: string;
  env?: Record<string, string>;
  echo?: boolean;
  /** Wait until the worker is welcomed by a hub. Default true. */
  waitConnected?: boolean;
  /** A worker token; by default one (with an empty scope) is created through the first hub's API. */
  token?: string;
}

/** Creates a worker token through a hub's API, as {@link LOCAL_ADMIN_TOKEN}. */
export async function createWorkerToken(
  hubUrl: string,
  options: { scope?: Record<string, string>; name?: string } = {},
): Promise<string> {
  const { status, body } = await api<{ token: string }>(hubUrl, "/api/tokens", {
    body: { role: "worker", scope: options.scope ?? {}, name: options.name ?? "worker" },
  });
  if (status !== 201) {
    throw new Error(`Cannot create a worker token at ${hubUrl}: ${JSON.stringify(body)}`);
  }
  return body.token;
}

/** Starts a worker process and (by default) waits until a hub welcomed it. */
export async function spawnWorker(options: SpawnWorkerOptions): Promise<ProcessHandle> {
  const name = options.name ?? "worker";
  const token = options.token ?? options.env?.DROVER_WORKER_TOKEN ??
    await createWorkerToken(options.hubUrl.split(",")[0]!.trim(), { name });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}${options.entry ?? "examples/worker.ts"}`],
    cwd: ROOT,
    env: {
      DROVER_HUB_URL: options.hubUrl,
      DROVER_WORKER_NAME: name,
      DROVER_WORKER_SLOTS: String(options.slots ?? 4),
      DROVER_WORKER_LABELS: options.labels ?? "",
      DROVER_LOG_LEVEL: options.logLevel ?? "info",
      DROVER_WORKER_TOKEN: token,
      ...(options.stateDir ? { DROVER_WORKER_STATE_DIR: options.stateDir } : {}),
      ...(options.dataDir ? { DROVER_DATA_DIR: options.dataDir } : {}),
      ...options.env,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const handle = new ProcessHandle(child, name, options.echo);
  if (options.waitConnected ?? true) {
    try {
      await handle.waitFor(
        (l) => l.msg === "connected to the hub",
        30_000,
        '"connected to the hub"',
      );
    } catch (error) {
      await handle.stop(1_000);
      throw error;
    }
  }
  return handle;
}

/**
 * The admin token every hub started here stores (`DROVER_ADMIN_TOKEN`): one
 * per process, random, so hubs sharing a database agree on it.
 */
export const LOCAL_ADMIN_TOKEN: string = generateToken().token;

/**
 * A small JSON client for the admin API; it sends {@link LOCAL_ADMIN_TOKEN}
 * unless given another `token` (null: none).
 */
export async function api<T = Record<string, unknown>>(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: T }> {
  const token = init.token === undefined ? LOCAL_ADMIN_TOKEN : init.token;
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Polls `GET /api/runs/:id` until the run is no longer running. */
export async function waitForRun(
  base: string,
  runId: string,
  timeoutMs = 60_000,
  pollMs = 100,
): Promise<Record<string, unknown> & { state: string; counts: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const { status, body } = await api<{ state: string; counts: Record<string, number> }>(
        base,
        `/api/runs/${runId}`,
      );
      last = body;
      if (status === 200 && body.state !== "running") return body;
    } catch (error) {
      last = error; // hub restarting: keep polling
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(
    `Run ${runId} did not finish within ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}

/**
 * Reads a task's output once it is there. A run is done when the hub accepts
 * its publication; the worker renames the staged output into place right
 * after it receives that answer, so a reader outside Drover may be a few
 * milliseconds early (tasks inside Drover wait for their inputs by themselves).
 */
export async function readOutput(path: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
