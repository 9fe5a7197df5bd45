/**
 * Hub configuration from the environment, validated with every problem
 * reported at once.
 */
import { parseDuration } from "../shared/duration.ts";
import { TOKEN_PATTERN } from "../shared/token_format.ts";
import { z } from "zod";
import { type AddressRange, parseAddressRange } from "./ui/address_range.ts";

/** Roles SSO groups may map to. */
const UI_ROLES = ["admin", "operator", "viewer"] as const;

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

/** Like {@link duration}, or `off`: kept forever (null). */
function retention(defaultText: string, minMs: number) {
  return z.string().default(defaultText).transform((text, ctx) => {
    if (text === "off") return null;
    const ms = parseDuration(text);
    if (ms === null || ms < minMs) {
      ctx.addIssue({
        code: "custom",
        message: ms === null
          ? `"${text}" is not a duration such as 30d or 12h, nor off`
          : `"${text}" is shorter than the least allowed, ${minMs / 3_600_000}h`,
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
  DROVER_DB_URL: z.string().regex(/^(file:|libsql:|https?:|wss?:|postgres(ql)?:\/\/|:memory:$)/, {
    message:
      'expected a libSQL URL such as "file:.drover/drover.db", "libsql://…" or ":memory:", ' +
      'or a PostgreSQL URL "postgres://user:password@host:5432/db"',
  }).default("file:.drover/drover.db"),
  DROVER_DB_AUTH_TOKEN: z.string().optional(),
  DROVER_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DROVER_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  DROVER_LEASE_TTL_MS: z.coerce.number().int().min(200).max(86_400_000).default(15_000),
  DROVER_DATA_DIR: z.string().min(1).default(".drover/data"),
  DROVER_LOG_LEVEL: logLevel.default("info"),
  DROVER_HUB_ID: z.string().min(1).max(100).optional(),
  DROVER_WORKER_AUTH: z.enum(["token", "none"]).default("token"),
  DROVER_ADMIN_TOKEN: z.string().regex(
    TOKEN_PATTERN,
    "must be a Drover token (drv_tok_<12 hex>_<43 base64url>): make one with `drover token generate`",
  ).optional(),
  DROVER_TLS_CERT_FILE: z.string().min(1).optional(),
  DROVER_TLS_KEY_FILE: z.string().min(1).optional(),
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
  DROVER_RUN_RETENTION: retention("30d", 3_600_000),
  DROVER_AUDIT_RETENTION: retention("400d", 86_400_000),
  DROVER_TASK_LOG_MAX_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(
    1_048_576,
  ),
  DROVER_UI_SESSION_TTL: duration("12h", 60_000),
  DROVER_UI_TRUSTED_PROXIES: z.string().default("").transform((text, ctx) => {
    const ranges: AddressRange[] = [];
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const range = parseAddressRange(part);
      if (!range) {
        ctx.addIssue({
          code: "custom",
          message: `"${part}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)`,
        });
        return z.NEVER;
      }
      ranges.push(range);
    }
    return ranges;
  }),
  DROVER_UI_USER_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be a header name")
    .default("X-Forwarded-User"),
  DROVER_UI_GROUPS_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be a header name")
    .default("X-Forwarded-Groups"),
  DROVER_UI_GROUP_ROLES: z.string().default("").transform((text, ctx) => {
    const roles: Record<string, (typeof UI_ROLES)[number]> = {};
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const m = /^([^=\s]{1,200})=(\w+)$/.exec(part);
      const role = UI_ROLES.find((r) => r === m?.[2]);
      if (!m || !role) {
        ctx.addIssue({
          code: "custom",
          message: `"${part}" is not group=role with a role of ${UI_ROLES.join(", ")} ` +
            "(e.g. admins=admin,data-eng=operator,auditors=viewer)",
        });
        return z.NEVER;
      }
      roles[m[1]!] = role;
    }
    return roles;
  }),
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

/** The web UI's sign-in settings. */
export interface UiConfig {
  /** How long a sign-in with a token lasts (`DROVER_UI_SESSION_TTL`, default 12h). */
  sessionTtlMs: number;
  /** Proxies whose user and groups headers are believed (`DROVER_UI_TRUSTED_PROXIES`). */
  trustedProxies: AddressRange[];
  /** The header naming the signed-in user (`DROVER_UI_USER_HEADER`). */
  userHeader: string;
  /** The header listing the user's groups, comma-separated (`DROVER_UI_GROUPS_HEADER`). */
  groupsHeader: string;
  /** Group → role (`DROVER_UI_GROUP_ROLES`); the highest role of a user's groups wins. */
  groupRoles: Record<string, "admin" | "operator" | "viewer">;
}

/** The hub's configuration. */
export interface HubConfig {
  /** The web UI: sessions and SSO through a trusted proxy. */
  ui: UiConfig;
  host: string;
  port: number;
  dbUrl: string;
  dbAuthToken?: string;
  busyTimeoutMs: number;
  /** How long the hub keeps trying to reach a PostgreSQL database at start. */
  dbConnectTimeoutMs: number;
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
  /** Serve HTTPS and WSS with this certificate chain and key (PEM files), else plain HTTP. */
  tls?: { certFile: string; keyFile: string };
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
  /**
   * How long finished runs (and the tasks only they need) are kept
   * (`DROVER_RUN_RETENTION`, default 30d; null: `off`, forever).
   */
  runRetentionMs: number | null;
  /** How long audit entries are kept (`DROVER_AUDIT_RETENTION`, default 400d; null: `off`). */
  auditRetentionMs: number | null;
}

/** Parses the hub's configuration; throws `TypeError` listing every bad variable. */
export function loadHubConfig(env: Record<string, string | undefined>): HubConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith("DROVER_") && v !== ""),
  );
  const result = hubConfigSchema.superRefine((c, ctx) => {
    for (const [set, unset] of [["CERT", "KEY"], ["KEY", "CERT"]] as const) {
      if (c[`DROVER_TLS_${set}_FILE`] && !c[`DROVER_TLS_${unset}_FILE`]) {
        ctx.addIssue({
          code: "custom",
          path: [`DROVER_TLS_${unset}_FILE`],
          message: `is not set, but DROVER_TLS_${set}_FILE is: HTTPS needs both the ` +
            "certificate (chain) and its private key, as PEM files",
        });
      }
    }
    if (c.DROVER_METRICS === "off" && c.DROVER_METRICS_LISTEN) {
      ctx.addIssue({
        code: "custom",
        path: ["DROVER_METRICS_LISTEN"],
        message: "is set, but DROVER_METRICS=off measures nothing to serve there",
      });
    }
    if (
      c.DROVER_UI_TRUSTED_PROXIES.length > 0 && Object.keys(c.DROVER_UI_GROUP_ROLES).length === 0
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["DROVER_UI_GROUP_ROLES"],
        message: "is empty, but DROVER_UI_TRUSTED_PROXIES is set: map groups to roles " +
          "(e.g. admins=admin,auditors=viewer), or no SSO user can sign in",
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
    dbConnectTimeoutMs: c.DROVER_DB_CONNECT_TIMEOUT_MS,
    leaseTtlMs: c.DROVER_LEASE_TTL_MS,
    dataDir: c.DROVER_DATA_DIR,
    logLevel: c.DROVER_LOG_LEVEL,
    hubId: c.DROVER_HUB_ID,
    resources: c.DROVER_RESOURCES,
    workerAuth: c.DROVER_WORKER_AUTH,
    adminToken: c.DROVER_ADMIN_TOKEN,
    metrics: c.DROVER_METRICS === "on",
    ...(c.DROVER_TLS_CERT_FILE && c.DROVER_TLS_KEY_FILE
      ? { tls: { certFile: c.DROVER_TLS_CERT_FILE, keyFile: c.DROVER_TLS_KEY_FILE } }
      : {}),
    ...(c.DROVER_METRICS_LISTEN ? { metricsListen: c.DROVER_METRICS_LISTEN } : {}),
    eventRetentionMs: c.DROVER_EVENT_RETENTION,
    eventStreams: c.DROVER_EVENT_STREAMS,
    taskLogRetentionMs: c.DROVER_TASK_LOG_RETENTION,
    taskLogMaxBytes: c.DROVER_TASK_LOG_MAX_BYTES,
    runRetentionMs: c.DROVER_RUN_RETENTION,
    auditRetentionMs: c.DROVER_AUDIT_RETENTION,
    ui: {
      sessionTtlMs: c.DROVER_UI_SESSION_TTL,
      trustedProxies: c.DROVER_UI_TRUSTED_PROXIES,
      userHeader: c.DROVER_UI_USER_HEADER,
      groupsHeader: c.DROVER_UI_GROUPS_HEADER,
      groupRoles: c.DROVER_UI_GROUP_ROLES,
    },
  };
}

/** The web UI's settings when nothing is configured: 12 h sessions, no SSO. */
export function defaultUiConfig(): UiConfig {
  return loadHubConfig({}).ui;
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
