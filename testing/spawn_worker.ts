/** Starts a worker process and (by default) waits until a hub welcomed it. */
import type { ApiClient } from "./api_client.ts";
import { createWorkerToken } from "./create_worker_token.ts";
import { ProcessHandle } from "./process_handle.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Options for {@link spawnWorker}. */
export interface SpawnWorkerOptions {
  /**
   * The hub it connects to (unless `hubUrl` is given) and whose admin API
   * mints its worker token (unless `token` is given).
   */
  hub?: { readonly url: string; readonly api: ApiClient };
  /** `DROVER_HUB_URL` (one URL or several, comma-separated). Default `hub.url`. */
  hubUrl?: string;
  /** A worker token. Default: one minted through `hub.api`, with no scope. */
  token?: string;
  /** Entry module, relative to the repository root. Default `examples/worker.ts`. */
  entry?: string;
  /** Extra `deno run` flags (e.g. `--inspect=…` for a profiler). */
  denoArgs?: string[];
  /** Default "worker". */
  name?: string;
  /** Default 4. */
  slots?: number;
  /** `DROVER_WORKER_LABELS`, e.g. "region=eu-west". */
  labels?: string;
  stateDir?: string;
  dataDir?: string;
  /** Default "info". */
  logLevel?: string;
  env?: Record<string, string>;
  /** Copy its log lines to standard error. */
  echo?: boolean;
  /**
   * Wait for its "connected to the hub" line (logged at info). Default true;
   * a worker logging at warn is waited for through the API instead
   * (`waitForWorkers`).
   */
  waitConnected?: boolean;
  /** Run in this network namespace (`netns.ts`). */
  netns?: string;
}

/** Starts a worker; stops it again (by its PID) if it is not welcomed within 30 s. */
export async function spawnWorker(options: SpawnWorkerOptions): Promise<ProcessHandle> {
  const name = options.name ?? "worker";
  const hubUrl = options.hubUrl ?? options.hub?.url;
  if (hubUrl === undefined) throw new TypeError(`Worker "${name}" needs a hub or a hubUrl`);
  const token = options.token ?? options.env?.DROVER_WORKER_TOKEN ??
    (options.hub ? await createWorkerToken(options.hub.api, { name }) : undefined);
  if (token === undefined) {
    throw new TypeError(`Worker "${name}" needs a token, or a hub to mint one`);
  }
  const deno = [
    "run",
    "-A",
    ...options.denoArgs ?? [],
    `${ROOT}${options.entry ?? "examples/worker.ts"}`,
  ];
  const child = new Deno.Command(options.netns ? "ip" : Deno.execPath(), {
    args: options.netns ? ["netns", "exec", options.netns, Deno.execPath(), ...deno] : deno,
    cwd: ROOT,
    env: {
      DROVER_HUB_URL: hubUrl,
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
