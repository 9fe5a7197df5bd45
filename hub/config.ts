/**
 * Hub configuration from the environment, validated with every problem
 * reported at once.
 */
import { parseDuration } from "../shared/duration.ts";
import { TOKEN_PATTERN } from "../shared/token_format.ts";
import { z } from "zod";

const logLevel = z.enum(["debug", "info", "warn", "error"]);

/** A duration such as `90s`, `15m`, `24h` or `7d`, as milliseconds, at least `minMs`. */
function duration(defaultText: string, minMs: number) {
  return z.string().default(defaultText).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms < minMs) {
      ctx.addIssue({
        code: "custom",
        message: ms === null
          ? `"${text}" is not a duration such as 90s, 15m, 24h or 7d`
          : `"${text}" is shorter than the least allowed, ${minMs / 1000}s`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/** The hub's environment variables, with defaults. */
export const hubConfigSchema = z.object({
  DROVER_HOST: z.string().min(1).default("127.0.0.1"),
  DROVER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DROVER_DB_URL: z.string().regex(/^(file:|libsql:|https?:|wss?:|:memory:$)/, {
    message: 'expected a libSQL URL such as "file:.drover/drover.db", "libsql://…" or ":memory:"',
  }).default("file:.drover/drover.db"),
  DROVER_DB_AUTH_TOKEN: z.string().optional(),
  DROVER_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DROVER_LEASE_TTL_MS: z.coerce.number().int().min(200).max(86_400_000).default(15_000),
  DROVER_DATA_DIR: z.string().min(1).default(".drover/data"),
  DROVER_LOG_LEVEL: logLevel.default("info"),
  DROVER_HUB_ID: z.string().min(1).max(100).optional(),
  DROVER_WORKER_AUTH: z.enum(["token", "none"]).default("token"),
  DROVER_ADMIN_TOKEN: z.string().regex(
    TOKEN_PATTERN,
    "must be a Drover token (drv_tok_<12 hex>_<43 base64url>): make one with `drover token generate`",
  ).optional(),
  DROVER_METRICS: z.enum(["on", "off"]).default("on"),
  DROVER_METRICS_LISTEN: z.string().optional().transform((text, ctx) => {
    if (text === undefined) return undefined;
    const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
    const port = Number(m?.[3]);
    if (!m || port > 65535) {
      ctx.addIssue({ code: "custom", message: `"${text}" is not host:port (e.g. 0.0.0.0:9464)` });
      return z.NEVER;
    }
    return { host: m[1] ?? m[2]!, port };
  }),
  DROVER_EVENT_RETENTION: duration("24h", 60_000),
  DROVER_EVENT_STREAMS: z.coerce.number().int().min(1).max(10_000).default(100),
  DROVER_TASK_LOG_RETENTION: duration("7d", 60_000),
  DROVER_TASK_LOG_MAX_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(
    1_048_576,
  ),
  DROVER_RESOURCES: z.string().default("").transform((text, ctx) => {
    const limits: Record<string, number> = {};
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const m = /^([a-z][a-z0-9_.\-]{0,62})=(\d{1,7})$/.exec(part);
      if (!m) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not name=limit (e.g. bigquery=2)` });
        return z.NEVER;
      }
      limits[m[1]!] = Number(m[2]);
    }
    return limits;
  }),
});

/** The hub's configuration. */
export interface HubConfig {
  host: string;
  port: number;
  dbUrl: string;
  dbAuthToken?: string;
  busyTimeoutMs: number;
  leaseTtlMs: number;
  dataDir: string;
  logLevel: z.infer<typeof logLevel>;
  hubId?: string;
  /** Resource limits to set at start (`DROVER_RESOURCES=bigquery=2,gpu=4`). */
  resources: Record<string, number>;
  /** `token`: workers must present a worker token; `none`: trusted network only. */
  workerAuth: "token" | "none";
  /** An admin token to store at start (`DROVER_ADMIN_TOKEN`); else one is generated once. */
  adminToken?: string;
  /** `off`: nothing is measured and `/metrics` answers 404 (`DROVER_METRICS`). */
  metrics: boolean;
  /** A second address serving only `GET /metrics`, without a token (`DROVER_METRICS_LISTEN`). */
  metricsListen?: { host: string; port: number };
  /** How long events are kept (`DROVER_EVENT_RETENTION`, default 24h). */
  eventRetentionMs: number;
  /** Most `GET /api/events` streams one hub serves at once (`DROVER_EVENT_STREAMS`, default 100). */
  eventStreams: number;
  /** How long task log lines are kept (`DROVER_TASK_LOG_RETENTION`, default 7d). */
  taskLogRetentionMs: number;
  /** Most bytes of log lines stored per attempt (`DROVER_TASK_LOG_MAX_BYTES`, default 1 MiB). */
  taskLogMaxBytes: number;
}

/** Parses the hub's configuration; throws `TypeError` listing every bad variable. */
export function loadHubConfig(env: Record<string, string | undefined>): HubConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith("DROVER_") && v !== ""),
  );
  const result = hubConfigSchema.superRefine((c, ctx) => {
    if (c.DROVER_METRICS === "off" && c.DROVER_METRICS_LISTEN) {
      ctx.addIssue({
        code: "custom",
        path: ["DROVER_METRICS_LISTEN"],
        message: "is set, but DROVER_METRICS=off measures nothing to serve there",
      });
    }
  }).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new TypeError(`Invalid hub configuration:\n${lines.join("\n")}`);
  }
  const c = result.data;
  return {
    host: c.DROVER_HOST,
    port: c.DROVER_PORT,
    dbUrl: c.DROVER_DB_URL,
    dbAuthToken: c.DROVER_DB_AUTH_TOKEN,
    busyTimeoutMs: c.DROVER_DB_BUSY_TIMEOUT_MS,
    leaseTtlMs: c.DROVER_LEASE_TTL_MS,
    dataDir: c.DROVER_DATA_DIR,
    logLevel: c.DROVER_LOG_LEVEL,
    hubId: c.DROVER_HUB_ID,
    resources: c.DROVER_RESOURCES,
    workerAuth: c.DROVER_WORKER_AUTH,
    adminToken: c.DROVER_ADMIN_TOKEN,
    metrics: c.DROVER_METRICS === "on",
    ...(c.DROVER_METRICS_LISTEN ? { metricsListen: c.DROVER_METRICS_LISTEN } : {}),
    eventRetentionMs: c.DROVER_EVENT_RETENTION,
    eventStreams: c.DROVER_EVENT_STREAMS,
    taskLogRetentionMs: c.DROVER_TASK_LOG_RETENTION,
    taskLogMaxBytes: c.DROVER_TASK_LOG_MAX_BYTES,
  };
}

/** For entry points: the configuration, or every problem on standard error and exit 2. */
export function hubConfigOrExit(env: Record<string, string | undefined>): HubConfig {
  try {
    return loadHubConfig(env);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
}
