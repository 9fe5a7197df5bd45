/**
 * Starts a hub: opens (and migrates) the database, starts the service
 * layer, serves HTTP and WebSocket. Used by `main.ts`, `deno task start`,
 * the benchmark and tests.
 */
import { createLogger, type Logger } from "../shared/log.ts";
import { CLOSE } from "../shared/protocol.ts";
import { createApp } from "./app.ts";
import type { HubConfig } from "./config.ts";
import { openDatabase, redactUrl } from "./db/client.ts";
import { HubCore } from "./core/hub_core.ts";
import type { HubCounters } from "./core/counters.ts";
import type { WriteQueueStats } from "./db/write_queue.ts";
import { ensureAdminToken } from "./ops/ensure_admin_token.ts";
import { ensureHubSecret } from "./ops/ensure_hub_secret.ts";
import { UI_CSRF_KEY } from "./ui/csrf.ts";
import { ListenError, listenError } from "./listen_error.ts";
import { readTlsFiles, tlsServeError } from "./tls_files.ts";
import { type MetricsListener, serveMetrics } from "./metrics/serve_metrics.ts";

/** A running hub. */
export interface RunningHub {
  readonly url: string;
  readonly port: number;
  readonly hubId: string;
  /** The service layer: what routes and sessions call. */
  readonly core: HubCore;
  /** In-memory figures: the write queue's group commits and the lease counters. */
  stats(): HubStats;
  /** Stops accepting, tells workers to reconnect elsewhere, closes the database. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What a hub counted since it started (its memory only; no route shows it). */
export interface HubStats {
  writeQueue: WriteQueueStats;
  counters: HubCounters;
}

/** Options beyond the configuration. */
export interface StartHubOptions {
  log?: Logger;
  now?: () => number;
  /**
   * Shown the admin token generated on first start (default: printed once
   * on standard error). The hub keeps only its hash.
   */
  onAdminToken?: (token: string, id: string) => void;
}

/** Starts a hub with `config`. */
export async function startHub(
  config: HubConfig,
  options: StartHubOptions = {},
): Promise<RunningHub> {
  const hubId = config.hubId ?? `hub_${crypto.randomUUID().slice(0, 8)}`;
  const log = (options.log ?? createLogger({ level: config.logLevel })).child({ hubId });
  // Bad certificate files stop the hub before it touches the database.
  const tls = config.tls ? await readTlsFiles(config.tls) : undefined;
  const scheme = tls ? "https" : "http";
  const database = await openDatabase(config.dbUrl, {
    busyTimeoutMs: config.busyTimeoutMs,
    authToken: config.dbAuthToken,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    onRetry: (error, waitedMs) =>
      log.warn("database unreachable: trying again", {
        db: redactUrl(config.dbUrl),
        waitedMs,
        error: (error as Error).message,
      }),
  });
  log.info("database ready", { db: redactUrl(config.dbUrl) });
  let url = `${scheme}://${config.host}:${config.port}`;
  const core = new HubCore({
    database,
    hubId,
    hubUrl: () => url,
    leaseTtlMs: config.leaseTtlMs,
    log,
    now: options.now,
    eventRetentionMs: config.eventRetentionMs,
    taskLogRetentionMs: config.taskLogRetentionMs,
    runRetentionMs: config.runRetentionMs,
    auditRetentionMs: config.auditRetentionMs,
    metrics: config.metrics,
    events: { maxStreams: config.eventStreams },
    taskLogMaxBytes: config.taskLogMaxBytes,
  });
  const sockets = new Set<WebSocket>();
  let accepting = true;
  const app = createApp({
    core,
    log,
    sockets,
    accepting: () => accepting,
    workerAuth: config.workerAuth,
    ui: config.ui,
  });
  // Listen before anything is written: a hub that cannot have its port
  // leaves no trace (no first admin token shown for nothing).
  const listening = Promise.withResolvers<Deno.NetAddr>();
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
      ...tls,
    }, app.fetch);
  } catch (error) {
    database.close();
    const listen = listenError(error, config.host, config.port);
    throw tls && !(listen instanceof ListenError) ? tlsServeError(error) : listen;
  }
  const addr = await listening.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  url = `${scheme}://${host}:${addr.port}`;
  let metricsListener: MetricsListener | undefined;
  try {
    if (config.metricsListen) {
      const { host, port } = config.metricsListen;
      metricsListener = await serveMetrics({ host, port }, core.metrics, log).catch((e) => {
        throw new ListenError(
          `Cannot serve metrics on ${host}:${port} (DROVER_METRICS_LISTEN): ${e.message}`,
          { cause: e },
        );
      });
      log.info("metrics listening", { url: metricsListener.url });
    }
    await core.start();
    await core.fleet.setResourceLimits(config.resources);
    const now = core.now();
    const admin = await core.queue.write((tx) => ensureAdminToken(tx, config.adminToken, now));
    await core.queue.write((tx) => ensureHubSecret(tx, UI_CSRF_KEY, now));
    if (admin.kind === "generated") {
      log.warn("admin token created; it is shown once", { tokenId: admin.id });
      (options.onAdminToken ?? printAdminToken)(admin.token, admin.id);
    } else if (admin.kind === "preset") {
      log.info("admin token from DROVER_ADMIN_TOKEN stored", { tokenId: admin.id });
    }
  } catch (error) {
    await server.shutdown();
    await metricsListener?.shutdown();
    await core.stop();
    database.close();
    throw error;
  }
  log.info("hub listening", { url, port: addr.port, leaseTtlMs: config.leaseTtlMs });

  let closing: Promise<void> | null = null;
  const close = () =>
    closing ??= (async () => {
      accepting = false;
      core.beginClosing();
      // Finish each close handshake first, so workers read our reason (and
      // not the server's own) and know to reconnect elsewhere.
      const closed = [...sockets].map((socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.addEventListener("close", () => resolve(), { once: true });
          try {
            socket.close(CLOSE.goingAway, "hub shutting down; reconnect to another hub");
          } catch {
            resolve();
          }
        })
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(closed),
        new Promise<void>((resolve) => timer = setTimeout(resolve, 5_000)),
      ]);
      clearTimeout(timer);
      // Open event streams would hold the graceful shutdown forever.
      await core.events.close();
      await server.shutdown();
      await metricsListener?.shutdown();
      await core.stop();
      database.close();
      log.info("hub stopped");
    })();
  return {
    url,
    port: addr.port,
    hubId,
    core,
    stats: () => core.stats(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function printAdminToken(token: string, id: string): void {
  console.error(
    [
      "",
      "  An admin token was created for this new database. It is shown this once;",
      "  the hub keeps only its hash. Keep it in a secret store:",
      "",
      `    export DROVER_TOKEN=${token}`,
      "",
      `  (id ${id}; revoke it with \`drover token revoke ${id}\` once you have made others)`,
      "",
    ].join("\n"),
  );
}
