import assert from "node:assert/strict";
import { loadHubConfig } from "./config.ts";

function configError(env: Record<string, string | undefined>): string {
  try {
    loadHubConfig(env);
  } catch (error) {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${error}`);
    return error.message;
  }
  assert.fail("loadHubConfig() accepted a bad configuration");
}

Deno.test("loadHubConfig() fills in every default from an empty environment", () => {
  assert.deepEqual(loadHubConfig({}), {
    host: "127.0.0.1",
    port: 8080,
    dbUrl: "file:.drover/drover.db",
    dbAuthToken: undefined,
    busyTimeoutMs: 5_000,
    dbConnectTimeoutMs: 30_000,
    leaseTtlMs: 15_000,
    dataDir: ".drover/data",
    logLevel: "info",
    hubId: undefined,
    resources: {},
    workerAuth: "token",
    adminToken: undefined,
    metrics: true,
    eventRetentionMs: 86_400_000,
    eventStreams: 100,
    taskLogRetentionMs: 604_800_000,
    taskLogMaxBytes: 1_048_576,
    runRetentionMs: 2_592_000_000,
    auditRetentionMs: 34_560_000_000,
    ui: {
      sessionTtlMs: 43_200_000,
      trustedProxies: [],
      userHeader: "X-Forwarded-User",
      groupsHeader: "X-Forwarded-Groups",
      groupRoles: {},
    },
  });
});

Deno.test("loadHubConfig() reads and coerces every variable", () => {
  assert.deepEqual(
    loadHubConfig({
      DROVER_HOST: "0.0.0.0",
      DROVER_PORT: "0",
      DROVER_DB_URL: "libsql://db.example.io",
      DROVER_DB_AUTH_TOKEN: "secret",
      DROVER_DB_BUSY_TIMEOUT_MS: "100",
      DROVER_LEASE_TTL_MS: "200",
      DROVER_DATA_DIR: "/data",
      DROVER_LOG_LEVEL: "warn",
      DROVER_DB_CONNECT_TIMEOUT_MS: "2500",
      DROVER_HUB_ID: "hub-a",
      DROVER_METRICS: "off",
      DROVER_EVENT_RETENTION: "90m",
      DROVER_EVENT_STREAMS: "20",
      DROVER_TASK_LOG_RETENTION: "30d",
      DROVER_TASK_LOG_MAX_BYTES: "65536",
      DROVER_RUN_RETENTION: "90d",
      DROVER_AUDIT_RETENTION: "off",
      DROVER_UI_SESSION_TTL: "30m",
      DROVER_UI_TRUSTED_PROXIES: "10.0.0.0/8, ::1",
      DROVER_UI_USER_HEADER: "X-Auth-User",
      DROVER_UI_GROUPS_HEADER: "X-Auth-Groups",
      DROVER_UI_GROUP_ROLES: "admins=admin,auditors=viewer",
    }),
    {
      host: "0.0.0.0",
      port: 0,
      dbUrl: "libsql://db.example.io",
      dbAuthToken: "secret",
      busyTimeoutMs: 100,
      dbConnectTimeoutMs: 2_500,
      leaseTtlMs: 200,
      dataDir: "/data",
      logLevel: "warn",
      hubId: "hub-a",
      resources: {},
      workerAuth: "token",
      adminToken: undefined,
      metrics: false,
      eventRetentionMs: 5_400_000,
      eventStreams: 20,
      taskLogRetentionMs: 2_592_000_000,
      taskLogMaxBytes: 65_536,
      runRetentionMs: 7_776_000_000,
      auditRetentionMs: null,
      ui: {
        sessionTtlMs: 1_800_000,
        trustedProxies: [{ v6: false, base: 10n << 24n, bits: 8 }, {
          v6: true,
          base: 1n,
          bits: 128,
        }],
        userHeader: "X-Auth-User",
        groupsHeader: "X-Auth-Groups",
        groupRoles: { admins: "admin", auditors: "viewer" },
      },
    },
  );
});

Deno.test("loadHubConfig() names bad web UI settings, all at once", () => {
  const message = configError({
    DROVER_UI_SESSION_TTL: "forever",
    DROVER_UI_TRUSTED_PROXIES: "10.0.0.0/8,proxy.local",
    DROVER_UI_GROUP_ROLES: "admins=root",
    DROVER_UI_USER_HEADER: "X User",
  });
  assert.match(message, /DROVER_UI_SESSION_TTL: "forever" is not a duration/);
  assert.match(message, /DROVER_UI_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR/);
  assert.match(message, /DROVER_UI_GROUP_ROLES: "admins=root" is not group=role/);
  assert.match(message, /DROVER_UI_USER_HEADER: must be a header name/);
  assert.match(
    configError({ DROVER_UI_TRUSTED_PROXIES: "10.0.0.1" }),
    /DROVER_UI_GROUP_ROLES: is empty, but DROVER_UI_TRUSTED_PROXIES is set/,
  );
});

Deno.test("loadHubConfig() names a retention that is not a duration or too short", () => {
  const message = configError({ DROVER_EVENT_RETENTION: "1 day", DROVER_TASK_LOG_RETENTION: "5s" });
  assert.match(message, /DROVER_EVENT_RETENTION: "1 day" is not a duration such as 90s/);
  assert.match(message, /DROVER_TASK_LOG_RETENTION: "5s" is shorter than the least allowed, 60s/);
  const runs = configError({ DROVER_RUN_RETENTION: "30m", DROVER_AUDIT_RETENTION: "never" });
  assert.match(runs, /DROVER_RUN_RETENTION: "30m" is shorter than the least allowed, 1h/);
  assert.match(
    runs,
    /DROVER_AUDIT_RETENTION: "never" is not a duration such as 30d or 12h, nor off/,
  );
});

Deno.test("loadHubConfig() treats empty variables as unset and ignores other variables", () => {
  const config = loadHubConfig({ DROVER_PORT: "", DROVER_DB_URL: "", PORT: "1", HOST: "x" });
  assert.equal(config.port, 8080);
  assert.equal(config.dbUrl, "file:.drover/drover.db");
  assert.equal(config.host, "127.0.0.1");
});

Deno.test("loadHubConfig() accepts every kind of libSQL URL, and PostgreSQL ones", () => {
  for (
    const url of [
      ":memory:",
      "file:/tmp/x.db",
      "file:.drover/drover.db",
      "libsql://a.turso.io",
      "https://db.example",
      "http://127.0.0.1:8081",
      "ws://127.0.0.1:8081",
      "wss://db.example",
      "postgres://drover:secret@db.example:5432/drover",
      "postgresql://db1:5432,db2:5432/drover?target_session_attrs=read-write",
    ]
  ) {
    assert.equal(loadHubConfig({ DROVER_DB_URL: url }).dbUrl, url);
  }
});

Deno.test("loadHubConfig() rejects a database URL neither libSQL nor PostgreSQL can open, with a hint", () => {
  for (const url of ["mysql://db", "/tmp/x.db", ":memory:x", "memory", "postgres:db"]) {
    const message = configError({ DROVER_DB_URL: url });
    assert.match(message, /DROVER_DB_URL: expected a libSQL URL/, url);
  }
});

Deno.test("loadHubConfig() reports every bad variable at once", () => {
  const message = configError({
    DROVER_PORT: "http",
    DROVER_DB_URL: "mysql://db",
    DROVER_DB_BUSY_TIMEOUT_MS: "1.5",
    DROVER_LEASE_TTL_MS: "100",
    DROVER_LOG_LEVEL: "verbose",
    DROVER_HUB_ID: "x".repeat(101),
  });
  assert.match(message, /^Invalid hub configuration:\n/);
  for (
    const name of [
      "DROVER_PORT",
      "DROVER_DB_URL",
      "DROVER_DB_BUSY_TIMEOUT_MS",
      "DROVER_LEASE_TTL_MS",
      "DROVER_LOG_LEVEL",
      "DROVER_HUB_ID",
    ]
  ) {
    assert.match(message, new RegExp(`^  ${name}: `, "m"), `${name} missing from:\n${message}`);
  }
  assert.equal(message.trim().split("\n").length, 7, message);
});

Deno.test("loadHubConfig() rejects ports outside 0–65535", () => {
  for (const port of ["-1", "65536", "80.5"]) {
    assert.match(configError({ DROVER_PORT: port }), /DROVER_PORT: /, port);
  }
  assert.equal(loadHubConfig({ DROVER_PORT: "65535" }).port, 65535);
});

Deno.test("loadHubConfig() rejects lease TTLs and busy timeouts out of range", () => {
  assert.match(configError({ DROVER_LEASE_TTL_MS: "86400001" }), /DROVER_LEASE_TTL_MS: /);
  assert.match(configError({ DROVER_DB_BUSY_TIMEOUT_MS: "99" }), /DROVER_DB_BUSY_TIMEOUT_MS: /);
  assert.match(configError({ DROVER_DB_BUSY_TIMEOUT_MS: "600001" }), /DROVER_DB_BUSY_TIMEOUT_MS: /);
});

Deno.test("loadHubConfig() reads DROVER_METRICS_LISTEN as host:port, and refuses it with metrics off", () => {
  assert.deepEqual(loadHubConfig({ DROVER_METRICS_LISTEN: "0.0.0.0:9464" }).metricsListen, {
    host: "0.0.0.0",
    port: 9464,
  });
  assert.deepEqual(loadHubConfig({ DROVER_METRICS_LISTEN: "[::1]:0" }).metricsListen, {
    host: "::1",
    port: 0,
  });
  assert.match(configError({ DROVER_METRICS_LISTEN: "9464" }), /"9464" is not host:port/);
  assert.match(
    configError({ DROVER_METRICS_LISTEN: "127.0.0.1:9464", DROVER_METRICS: "off" }),
    /DROVER_METRICS_LISTEN: is set, but DROVER_METRICS=off/,
  );
});

Deno.test("loadHubConfig() takes a certificate and key for HTTPS together, or neither", () => {
  const tls = loadHubConfig({
    DROVER_TLS_CERT_FILE: "/etc/drover/hub.pem",
    DROVER_TLS_KEY_FILE: "/etc/drover/hub.key",
  }).tls;
  assert.deepEqual(tls, { certFile: "/etc/drover/hub.pem", keyFile: "/etc/drover/hub.key" });
  assert.equal(loadHubConfig({}).tls, undefined);
  assert.match(
    configError({ DROVER_TLS_CERT_FILE: "/etc/drover/hub.pem" }),
    /DROVER_TLS_KEY_FILE: is not set, but DROVER_TLS_CERT_FILE is: HTTPS needs both/,
  );
  assert.match(
    configError({ DROVER_TLS_KEY_FILE: "/etc/drover/hub.key" }),
    /DROVER_TLS_CERT_FILE: is not set, but DROVER_TLS_KEY_FILE is/,
  );
});
