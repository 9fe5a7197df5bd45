/**
 * A real Prometheus (Debian's binary) on 127.0.0.1, scraping hubs every
 * second with a bearer token from a file, its data in a directory of the
 * caller's: for end-to-end tests of `/metrics` and the alert rules.
 * Stopped by its own PID.
 *
 * @module
 */
import { freePort } from "./free_port.ts";
import { ProcessHandle } from "./process_handle.ts";
import { INSTALL_PROMETHEUS, requireBinary } from "./require_binary.ts";

/** Options for {@link spawnPrometheus}. */
export interface SpawnPrometheusOptions {
  /** Holds its configuration and its TSDB (the caller removes it). */
  dir: string;
  /** `host:port` of each hub to scrape at `/metrics`. */
  targets: readonly string[];
  /** A file holding the bearer token (a viewer token). */
  tokenFile: string;
  /** Rule files to load (absolute paths). */
  ruleFiles?: readonly string[];
  echo?: boolean;
}

/** One element of an instant query's answer. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A running Prometheus. */
export type PrometheusProcess = ProcessHandle & {
  readonly url: string;
  /** An instant query (`/api/v1/query`); throws unless Prometheus answers success. */
  query(expr: string): Promise<VectorSample[]>;
  /** A GET of its HTTP API (`/api/v1/rules`, …), the `data` of a success. */
  api<T>(path: string): Promise<T>;
};

/** Starts Prometheus and resolves once it is ready to serve queries (30 s at most). */
export async function spawnPrometheus(options: SpawnPrometheusOptions): Promise<PrometheusProcess> {
  const binary = requireBinary("prometheus", INSTALL_PROMETHEUS);
  const config = `${options.dir}/prometheus.yml`;
  await Deno.writeTextFile(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "  evaluation_interval: 1s",
      `rule_files: ${JSON.stringify(options.ruleFiles ?? [])}`,
      "scrape_configs:",
      "  - job_name: drover-hub",
      "    metrics_path: /metrics",
      "    authorization:",
      "      type: Bearer",
      `      credentials_file: ${JSON.stringify(options.tokenFile)}`,
      "    static_configs:",
      `      - targets: ${JSON.stringify(options.targets)}`,
      "",
    ].join("\n"),
  );
  const port = freePort();
  const child = new Deno.Command(binary, {
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${options.dir}/tsdb`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.format=json",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const handle = new ProcessHandle(child, "prometheus", options.echo);
  try {
    await handle.waitFor((l) => l.msg === "Server is ready to receive web requests.", 30_000);
  } catch (error) {
    await handle.stop(2_000);
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = await res.json();
    if (body.status !== "success") {
      throw new Error(`Prometheus ${path} answered ${res.status}: ${JSON.stringify(body)}`);
    }
    return body.data as T;
  };
  return Object.assign(handle, {
    url,
    api,
    async query(expr: string) {
      const data = await api<{ result: VectorSample[] }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      return data.result;
    },
  });
}
