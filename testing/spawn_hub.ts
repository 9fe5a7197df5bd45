/** Starts a hub process on 127.0.0.1 and waits until it listens. */
import { generateToken } from "../shared/token_format.ts";
import { type ApiClient, createApiClient } from "./api_client.ts";
import { ProcessHandle } from "./process_handle.ts";
import type { TestCertificates } from "./test_certificates.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Options for {@link spawnHub}. */
export interface SpawnHubOptions {
  dbUrl: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 15 s. */
  leaseTtlMs?: number;
  /** `DROVER_HUB_ID`; also the handle's name (default "hub"). */
  hubId?: string;
  /** Default "info". */
  logLevel?: string;
  /**
   * `DROVER_ADMIN_TOKEN`, stored by the hub at start. Default: a fresh one.
   * Hubs sharing a database may share it, or each store their own.
   */
  adminToken?: string;
  /** The entry module, relative to the repository root. Default `hub/main.ts`. */
  entry?: string;
  /** The message of the line that carries the URL. Default "hub listening". */
  listeningMsg?: string;
  env?: Record<string, string>;
  /** Copy its log lines to standard error. */
  echo?: boolean;
  /** Flags for `deno run` itself, e.g. `--inspect=127.0.0.1:9230` to profile it. */
  denoArgs?: string[];
  /** Serve HTTPS with these (see `test_certificates.ts`); its `api` trusts their CA. */
  tls?: TestCertificates;
  /** Run in this network namespace (`netns.ts`), listening on `host`. */
  netns?: string;
  /** `DROVER_HOST`. Default 127.0.0.1. */
  host?: string;
  /** How its `api` sends requests (a relay's, for a hub in a namespace). Default `fetch`. */
  apiFetch?: typeof fetch;
}

/** A hub process: where it listens, its admin token, and a client of its API as admin. */
export type HubProcess = ProcessHandle & {
  readonly url: string;
  readonly adminToken: string;
  readonly api: ApiClient;
};

/**
 * Starts a hub and resolves once it logged its URL; stops it again (by its
 * PID) if that line does not come within 30 s.
 */
export async function spawnHub(options: SpawnHubOptions): Promise<HubProcess> {
  const adminToken = options.adminToken ?? generateToken().token;
  const host = options.host ?? "127.0.0.1";
  const deno = ["run", "-A", ...options.denoArgs ?? [], `${ROOT}${options.entry ?? "hub/main.ts"}`];
  const child = new Deno.Command(options.netns ? "ip" : Deno.execPath(), {
    args: options.netns ? ["netns", "exec", options.netns, Deno.execPath(), ...deno] : deno,
    cwd: ROOT,
    env: {
      DROVER_DB_URL: options.dbUrl,
      DROVER_PORT: String(options.port ?? 0),
      DROVER_HOST: host,
      DROVER_LEASE_TTL_MS: String(options.leaseTtlMs ?? 15_000),
      DROVER_LOG_LEVEL: options.logLevel ?? "info",
      DROVER_ADMIN_TOKEN: adminToken,
      ...(options.hubId ? { DROVER_HUB_ID: options.hubId } : {}),
      ...(options.tls
        ? { DROVER_TLS_CERT_FILE: options.tls.certFile, DROVER_TLS_KEY_FILE: options.tls.keyFile }
        : {}),
      ...options.env,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const handle = new ProcessHandle(child, options.hubId ?? "hub", options.echo);
  const listening = options.listeningMsg ?? "hub listening";
  try {
    const line = await handle.waitFor((l) => l.msg === listening, 30_000, `"${listening}"`);
    const url = String(line.url);
    if (!url.startsWith(`${options.tls ? "https" : "http"}://${host}:`)) {
      throw new Error(`${handle.name} listens on ${url}, not on ${host}`);
    }
    const caCerts = options.tls ? [await Deno.readTextFile(options.tls.caFile)] : undefined;
    const api = createApiClient(url, adminToken, { caCerts, fetch: options.apiFetch });
    return Object.assign(handle, { url, adminToken, api });
  } catch (error) {
    await handle.stop(1_000);
    throw error;
  }
}
