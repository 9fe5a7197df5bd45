import assert from "node:assert/strict";
import type { z } from "zod";
import {
  expandNodeSchema,
  familyInfoSchema,
  hubFrameSchema,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  workerFrameSchema,
} from "./protocol.ts";

const KEY = "key-0001-abcdef";
const TASK = "ExtractRaw_2026-11-23_ab12cd34ef";

const family = {
  name: "ExtractRaw",
  version: 1,
  paramsSchema: { type: "object" },
  retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60000 },
  hasRun: true,
};

const validWorkerFrames = {
  hello: {
    type: "hello",
    protocol: PROTOCOL_VERSION,
    workerId: "w-1",
    name: "laptop",
    version: "0.1.0",
    labels: { region: "eu-west" },
    slots: 4,
    families: [family],
  },
  credit: { type: "lease.credit", free: 2, grantsSeen: 0 },
  renew: { type: "lease.renew", leases: [{ taskId: TASK, epoch: 3 }] },
  release: { type: "lease.release", taskId: TASK, epoch: 1, reason: "shutting down" },
  expand: {
    type: "expand.result",
    taskId: TASK,
    epoch: 2,
    key: KEY,
    nodes: [{ id: TASK, family: "ExtractRaw", version: 1, params: {}, expanded: true }],
  },
  complete: { type: "task.complete", taskId: TASK, epoch: 1, key: KEY },
  fail: {
    type: "task.fail",
    taskId: TASK,
    epoch: 1,
    key: KEY,
    error: { name: "RetryableError", message: "503", retryable: true },
  },
  status: { type: "task.status", taskId: TASK, epoch: 1, message: "copying", progress: 0.5 },
} as const;

const validHubFrames = {
  welcome: { type: "welcome", protocol: 1, hubId: "h", workerId: "w-1", leaseTtlMs: 15000 },
  grant: {
    type: "lease.grant",
    kind: "run",
    taskId: TASK,
    family: "ExtractRaw",
    version: 1,
    params: { runDate: "2026-11-23" },
    attempt: 1,
    epoch: 1,
    ttlMs: 15000,
  },
  renewed: {
    type: "lease.renewed",
    ttlMs: 15000,
    refused: [{ taskId: TASK, epoch: 2, reason: "epoch 2 is stale (current 3)" }],
  },
  ack: { type: "task.ack", taskId: TASK, key: KEY, outcome: "accepted", message: "" },
  error: { type: "error", code: "bad_frame", message: "expected a hello frame" },
} as const;

/** How a value the schema must reject fails: the path of each issue, its code, and unknown keys. */
function rejection(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  assert.ok(!result.success, `accepted ${JSON.stringify(value)}`);
  return result.error.issues.map((issue) => ({
    path: issue.path,
    code: issue.code,
    ...(issue.code === "unrecognized_keys" ? { keys: issue.keys } : {}),
  }));
}

/** The paths of the issues of a value the schema must reject. */
function failedPaths(schema: z.ZodType, value: unknown): PropertyKey[][] {
  return rejection(schema, value).map((issue) => issue.path);
}

Deno.test("the protocol version this code speaks is one the hub accepts", () => {
  assert.ok(SUPPORTED_PROTOCOL_VERSIONS.includes(PROTOCOL_VERSION));
});

Deno.test("workerFrameSchema accepts every valid worker frame", () => {
  for (const [name, frame] of Object.entries(validWorkerFrames)) {
    const result = workerFrameSchema.safeParse(frame);
    assert.ok(result.success, `${name}: ${JSON.stringify(result.error?.issues)}`);
  }
});

Deno.test("workerFrameSchema fills in defaults for hello leases, family pins and node fields", () => {
  const hello = workerFrameSchema.parse(validWorkerFrames.hello);
  assert.ok(hello.type === "hello");
  assert.deepEqual(hello.leases, []);
  assert.deepEqual(hello.families[0]!.pin, {});
  assert.equal(hello.families[0]!.priority, 0);
  const expand = workerFrameSchema.parse(validWorkerFrames.expand);
  assert.ok(expand.type === "expand.result");
  assert.equal(expand.nodes[0]!.complete, false);
  assert.deepEqual(expand.nodes[0]!.deps, []);
});

Deno.test("hubFrameSchema accepts every valid hub frame", () => {
  for (const [name, frame] of Object.entries(validHubFrames)) {
    const result = hubFrameSchema.safeParse(frame);
    assert.ok(result.success, `${name}: ${JSON.stringify(result.error?.issues)}`);
  }
});

Deno.test("both schemas reject an unknown frame type and a frame without a type, at the type field", () => {
  for (const schema of [workerFrameSchema, hubFrameSchema]) {
    assert.deepEqual(rejection(schema, { type: "task.explode", taskId: TASK }), [
      { path: ["type"], code: "invalid_union" },
    ]);
    assert.deepEqual(rejection(schema, { taskId: TASK, epoch: 1 }), [
      { path: ["type"], code: "invalid_union" },
    ]);
    assert.deepEqual(rejection(schema, null), [{ path: [], code: "invalid_type" }]);
    assert.deepEqual(rejection(schema, "hello"), [{ path: [], code: "invalid_type" }]);
  }
});

Deno.test("the schemas reject frames sent in the wrong direction, at the type field", () => {
  assert.deepEqual(failedPaths(workerFrameSchema, validHubFrames.welcome), [["type"]]);
  assert.deepEqual(failedPaths(hubFrameSchema, validWorkerFrames.hello), [["type"]]);
});

Deno.test("workerFrameSchema rejects unknown extra fields at every level, naming the object and the key", () => {
  const cases: Array<[string, unknown, PropertyKey[], string]> = [
    ["top", { ...validWorkerFrames.complete, extra: 1 }, [], "extra"],
    [
      "leaseRef",
      { type: "lease.renew", leases: [{ taskId: TASK, epoch: 1, owner: "me" }] },
      ["leases", 0],
      "owner",
    ],
    [
      "error",
      { ...validWorkerFrames.fail, error: { ...validWorkerFrames.fail.error, trace: "at x" } },
      ["error"],
      "trace",
    ],
    [
      "family",
      { ...validWorkerFrames.hello, families: [{ ...family, secret: true }] },
      ["families", 0],
      "secret",
    ],
    [
      "node",
      { ...validWorkerFrames.expand, nodes: [{ ...validWorkerFrames.expand.nodes[0], extra: 1 }] },
      ["nodes", 0],
      "extra",
    ],
  ];
  for (const [name, frame, path, key] of cases) {
    assert.deepEqual(
      rejection(workerFrameSchema, frame),
      [{ path, code: "unrecognized_keys", keys: [key] }],
      name,
    );
  }
});

Deno.test("hubFrameSchema rejects unknown extra fields, naming the object and the key", () => {
  assert.deepEqual(rejection(hubFrameSchema, { ...validHubFrames.grant, priority: 1 }), [
    { path: [], code: "unrecognized_keys", keys: ["priority"] },
  ]);
  assert.deepEqual(
    rejection(hubFrameSchema, {
      ...validHubFrames.renewed,
      refused: [{ ...validHubFrames.renewed.refused[0], extra: 1 }],
    }),
    [{ path: ["refused", 0], code: "unrecognized_keys", keys: ["extra"] }],
  );
});

Deno.test("workerFrameSchema rejects frames with a missing field, at that field", () => {
  for (const [name, frame] of Object.entries(validWorkerFrames)) {
    for (const field of Object.keys(frame)) {
      if (field === "type") continue;
      const { [field]: _, ...rest } = frame as Record<string, unknown>;
      if (name === "status" && (field === "message" || field === "progress")) {
        assert.ok(workerFrameSchema.safeParse(rest).success, `${name} needs its optional ${field}`);
        continue;
      }
      assert.deepEqual(failedPaths(workerFrameSchema, rest), [[field]], `${name} without ${field}`);
    }
  }
});

Deno.test("hubFrameSchema rejects frames with a missing field, at that field", () => {
  for (const [name, frame] of Object.entries(validHubFrames)) {
    for (const field of Object.keys(frame)) {
      if (field === "type" || field === "params") continue; // params is z.unknown()
      const { [field]: _, ...rest } = frame as Record<string, unknown>;
      assert.deepEqual(failedPaths(hubFrameSchema, rest), [[field]], `${name} without ${field}`);
    }
  }
});

Deno.test("workerFrameSchema rejects fields of the wrong type, at that field", () => {
  const cases: Array<[string, unknown, PropertyKey[]]> = [
    ["slotsAsString", { ...validWorkerFrames.hello, slots: "4" }, ["slots"]],
    ["protocolAsFloat", { ...validWorkerFrames.hello, protocol: 1.5 }, ["protocol"]],
    ["labelsAsArray", { ...validWorkerFrames.hello, labels: ["region=eu-west"] }, ["labels"]],
    ["taskIdAsNumber", { ...validWorkerFrames.complete, taskId: 7 }, ["taskId"]],
    ["emptyTaskId", { ...validWorkerFrames.complete, taskId: "" }, ["taskId"]],
    ["shortKey", { ...validWorkerFrames.complete, key: "k" }, ["key"]],
    [
      "retryableAsString",
      { ...validWorkerFrames.fail, error: { ...validWorkerFrames.fail.error, retryable: "yes" } },
      ["error", "retryable"],
    ],
    ["progressAboveOne", { ...validWorkerFrames.status, progress: 1.5 }, ["progress"]],
    ["negativeCredit", { ...validWorkerFrames.credit, free: -1 }, ["free"]],
    ["noNodes", { ...validWorkerFrames.expand, nodes: [] }, ["nodes"]],
    ["zeroSlots", { ...validWorkerFrames.hello, slots: 0 }, ["slots"]],
  ];
  for (const [name, frame, path] of cases) {
    assert.deepEqual(failedPaths(workerFrameSchema, frame), [path], name);
  }
});

Deno.test("hubFrameSchema rejects fields of the wrong type, at that field", () => {
  const cases: Array<[string, unknown, PropertyKey[]]> = [
    ["kind", { ...validHubFrames.grant, kind: "delete" }, ["kind"]],
    ["ttlZero", { ...validHubFrames.grant, ttlMs: 0 }, ["ttlMs"]],
    ["negativeAttempt", { ...validHubFrames.grant, attempt: -1 }, ["attempt"]],
    ["outcome", { ...validHubFrames.ack, outcome: "maybe" }, ["outcome"]],
    ["leaseTtl", { ...validHubFrames.welcome, leaseTtlMs: "15000" }, ["leaseTtlMs"]],
    ["code", { ...validHubFrames.error, code: 400 }, ["code"]],
  ];
  for (const [name, frame, path] of cases) {
    assert.deepEqual(failedPaths(hubFrameSchema, frame), [path], name);
  }
});

Deno.test("the schemas reject epochs that are not integers >= 1, at the epoch", () => {
  for (const epoch of [0, -1, 1.5, "1", null, NaN, Infinity]) {
    const frames: Array<[unknown, PropertyKey[]]> = [
      [{ ...validWorkerFrames.complete, epoch }, ["epoch"]],
      [{ ...validWorkerFrames.release, epoch }, ["epoch"]],
      [{ type: "lease.renew", leases: [{ taskId: TASK, epoch }] }, ["leases", 0, "epoch"]],
      [{ ...validWorkerFrames.status, epoch }, ["epoch"]],
    ];
    for (const [frame, path] of frames) {
      assert.deepEqual(failedPaths(workerFrameSchema, frame), [path], `epoch ${epoch}`);
    }
    assert.deepEqual(failedPaths(hubFrameSchema, { ...validHubFrames.grant, epoch }), [["epoch"]]);
  }
});

Deno.test("familyInfoSchema rejects a family name that is not an identifier, a version below 1 and a bad pin label", () => {
  assert.ok(familyInfoSchema.safeParse(family).success);
  assert.deepEqual(failedPaths(familyInfoSchema, { ...family, name: "bad-name" }), [["name"]]);
  assert.deepEqual(failedPaths(familyInfoSchema, { ...family, version: 0 }), [["version"]]);
  assert.deepEqual(failedPaths(familyInfoSchema, { ...family, pin: { Region: "x" } }), [
    ["pin", "Region"],
  ]);
});

Deno.test("expandNodeSchema rejects deps that are not task ids, at the dep", () => {
  const node = validWorkerFrames.expand.nodes[0];
  assert.ok(expandNodeSchema.safeParse({ ...node, deps: ["A_1"] }).success);
  assert.deepEqual(failedPaths(expandNodeSchema, { ...node, deps: ["", "A_1"] }), [["deps", 0]]);
  assert.deepEqual(failedPaths(expandNodeSchema, { ...node, deps: ["A_1", ""] }), [["deps", 1]]);
  assert.deepEqual(failedPaths(expandNodeSchema, { ...node, deps: "A_1" }), [["deps"]]);
});
