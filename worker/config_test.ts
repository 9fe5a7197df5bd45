import assert from "node:assert/strict";
import { loadWorkerConfig, parseLabels } from "./config.ts";

function configError(env: Record<string, string | undefined>): string {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${error}`);
    return error.message;
  }
  assert.fail("loadWorkerConfig() accepted a bad configuration");
}

Deno.test("loadWorkerConfig() fills in every default from an empty environment", () => {
  assert.deepEqual(loadWorkerConfig({}), {
    hubUrl: "http://127.0.0.1:8080",
    name: "worker",
    labels: {},
    slots: 4,
    prefetch: 0,
    coalesceMs: 0,
    token: undefined,
    stateDir: ".drover/worker-worker",
    graceMs: 30_000,
    dataDir: ".drover/data",
    logLevel: "info",
    captureConsole: false,
  });
});

Deno.test("loadWorkerConfig() names the worker after the host, with a path-safe state dir", () => {
  const config = loadWorkerConfig({}, "build box/7");
  assert.equal(config.name, "build box/7");
  assert.equal(config.stateDir, ".drover/worker-build-box-7");
  const named = loadWorkerConfig({ DROVER_WORKER_NAME: "etl-1" }, "host");
  assert.equal(named.name, "etl-1");
  assert.equal(named.stateDir, ".drover/worker-etl-1");
});

Deno.test("loadWorkerConfig() reads and coerces every variable", () => {
  const config = loadWorkerConfig({
    DROVER_HUB_URL: "wss://hub.example:9443/",
    DROVER_WORKER_NAME: "etl-1",
    DROVER_WORKER_LABELS: "region=eu-west, zone=b",
    DROVER_WORKER_SLOTS: "16",
    DROVER_WORKER_PREFETCH: "32",
    DROVER_WORKER_COALESCE_MS: "2.5",
    DROVER_WORKER_STATE_DIR: "/var/lib/drover",
    DROVER_WORKER_GRACE_MS: "0",
    DROVER_DATA_DIR: "/data",
    DROVER_LOG_LEVEL: "debug",
    DROVER_CAPTURE_CONSOLE: "1",
  });
  assert.deepEqual(config, {
    hubUrl: "wss://hub.example:9443/",
    name: "etl-1",
    labels: { region: "eu-west", zone: "b" },
    slots: 16,
    prefetch: 32,
    coalesceMs: 2.5,
    token: undefined,
    stateDir: "/var/lib/drover",
    graceMs: 0,
    dataDir: "/data",
    logLevel: "debug",
    captureConsole: true,
  });
});

Deno.test("loadWorkerConfig() treats empty variables as unset and ignores other variables", () => {
  const config = loadWorkerConfig({
    DROVER_WORKER_SLOTS: "",
    DROVER_HUB_URL: "",
    HOME: "/root",
    SLOTS: "nonsense",
    DROVER_UNRELATED: undefined,
  });
  assert.equal(config.slots, 4);
  assert.equal(config.hubUrl, "http://127.0.0.1:8080");
});

Deno.test("loadWorkerConfig() reports every bad variable at once", () => {
  const message = configError({
    DROVER_HUB_URL: "ftp://hub.example",
    DROVER_WORKER_LABELS: "region",
    DROVER_WORKER_SLOTS: "0",
    DROVER_WORKER_PREFETCH: "-1",
    DROVER_WORKER_COALESCE_MS: "later",
    DROVER_WORKER_GRACE_MS: "soon",
    DROVER_LOG_LEVEL: "loud",
    DROVER_CAPTURE_CONSOLE: "yes",
  });
  assert.match(message, /^Invalid worker configuration:\n/);
  for (
    const name of [
      "DROVER_HUB_URL",
      "DROVER_WORKER_LABELS",
      "DROVER_WORKER_SLOTS",
      "DROVER_WORKER_PREFETCH",
      "DROVER_WORKER_COALESCE_MS",
      "DROVER_WORKER_GRACE_MS",
      "DROVER_LOG_LEVEL",
      "DROVER_CAPTURE_CONSOLE",
    ]
  ) {
    assert.match(message, new RegExp(`^  ${name}: `, "m"), `${name} missing from:\n${message}`);
  }
  assert.equal(message.trim().split("\n").length, 9, message);
});

Deno.test("loadWorkerConfig() rejects slots and grace periods that are not whole numbers in range", () => {
  for (const slots of ["1.5", "-1", "10001", "four"]) {
    assert.match(configError({ DROVER_WORKER_SLOTS: slots }), /DROVER_WORKER_SLOTS: /, slots);
  }
  for (const grace of ["-1", "3600001", "2.5"]) {
    assert.match(configError({ DROVER_WORKER_GRACE_MS: grace }), /DROVER_WORKER_GRACE_MS: /);
  }
});

Deno.test("loadWorkerConfig() accepts http, https, ws and wss hub URLs only", () => {
  for (const url of ["http://a:1", "https://a", "ws://a", "wss://a/x"]) {
    assert.equal(loadWorkerConfig({ DROVER_HUB_URL: url }).hubUrl, url);
  }
  for (const url of ["ftp://a", "not a url", "file:///tmp/hub", "127.0.0.1:8080"]) {
    assert.match(configError({ DROVER_HUB_URL: url }), /DROVER_HUB_URL: /, url);
  }
});

Deno.test("loadWorkerConfig() reports the label error inside the configuration error", () => {
  const message = configError({ DROVER_WORKER_LABELS: "Region=eu" });
  assert.match(message, /DROVER_WORKER_LABELS: Invalid labels "Region=eu": /);
});

Deno.test("parseLabels() reads name=value pairs, trimming spaces and skipping empty parts", () => {
  assert.deepEqual(parseLabels(""), {});
  assert.deepEqual(parseLabels(" region = eu-west ,, zone=b, "), { region: "eu-west", zone: "b" });
  assert.deepEqual(parseLabels("topology.io/zone=b"), { "topology.io/zone": "b" });
});

Deno.test("parseLabels() keeps everything after the first = as the value", () => {
  assert.deepEqual(parseLabels("expr=a=b"), { expr: "a=b" });
});

Deno.test("parseLabels() throws a TypeError for a part without a name or =", () => {
  for (const text of ["region", "=eu-west", "region=eu,zone"]) {
    assert.throws(
      () => parseLabels(text),
      (e: unknown) => e instanceof TypeError && e.message.includes("expected name=value"),
      text,
    );
  }
});

Deno.test("parseLabels() throws a TypeError quoting the text for bad names and empty values", () => {
  for (const text of ["Region=eu", "1zone=b", "region=", "has space=x"]) {
    assert.throws(
      () => parseLabels(text),
      (e: unknown) => e instanceof TypeError && e.message.startsWith(`Invalid label`),
      text,
    );
  }
  assert.throws(() => parseLabels("Region=eu"), /^TypeError: Invalid labels "Region=eu": /);
});
