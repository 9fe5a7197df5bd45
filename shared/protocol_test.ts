import assert from "node:assert/strict";
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

Deno.test("both schemas reject an unknown frame type and a frame without a type", () => {
  for (const schema of [workerFrameSchema, hubFrameSchema]) {
    assert.ok(!schema.safeParse({ type: "task.explode", taskId: TASK }).success);
    assert.ok(!schema.safeParse({ taskId: TASK, epoch: 1 }).success);
    assert.ok(!schema.safeParse(null).success);
    assert.ok(!schema.safeParse("hello").success);
  }
});

Deno.test("the schemas reject frames sent in the wrong direction", () => {
  assert.ok(!workerFrameSchema.safeParse(validHubFrames.welcome).success);
  assert.ok(!hubFrameSchema.safeParse(validWorkerFrames.hello).success);
});

Deno.test("workerFrameSchema rejects unknown extra fields at every level", () => {
  const cases: Record<string, unknown> = {
    top: { ...validWorkerFrames.complete, extra: 1 },
    leaseRef: { type: "lease.renew", leases: [{ taskId: TASK, epoch: 1, owner: "me" }] },
    error: {
      ...validWorkerFrames.fail,
      error: { ...validWorkerFrames.fail.error, stack: "at x" },
    },
    family: {
      ...validWorkerFrames.hello,
      families: [{ ...family, secret: true }],
    },
    node: {
      ...validWorkerFrames.expand,
      nodes: [{ ...validWorkerFrames.expand.nodes[0], extra: 1 }],
    },
  };
  for (const [name, frame] of Object.entries(cases)) {
    assert.ok(!workerFrameSchema.safeParse(frame).success, `${name} with an extra field passed`);
  }
});

Deno.test("hubFrameSchema rejects unknown extra fields", () => {
  assert.ok(!hubFrameSchema.safeParse({ ...validHubFrames.grant, priority: 1 }).success);
  assert.ok(
    !hubFrameSchema.safeParse({
      ...validHubFrames.renewed,
      refused: [{ ...validHubFrames.renewed.refused[0], extra: 1 }],
    }).success,
  );
});

Deno.test("workerFrameSchema rejects frames with a missing field", () => {
  for (const [name, frame] of Object.entries(validWorkerFrames)) {
    for (const field of Object.keys(frame)) {
      if (field === "type") continue;
      const optional = name === "status" && (field === "message" || field === "progress");
      const { [field]: _, ...rest } = frame as Record<string, unknown>;
      const ok = workerFrameSchema.safeParse(rest).success;
      assert.equal(ok, optional, `${name} without ${field} ${ok ? "passed" : "failed"}`);
    }
  }
});

Deno.test("hubFrameSchema rejects frames with a missing field", () => {
  for (const [name, frame] of Object.entries(validHubFrames)) {
    for (const field of Object.keys(frame)) {
      if (field === "type" || field === "params") continue; // params is z.unknown()
      const { [field]: _, ...rest } = frame as Record<string, unknown>;
      assert.ok(!hubFrameSchema.safeParse(rest).success, `${name} without ${field} passed`);
    }
  }
});

Deno.test("workerFrameSchema rejects fields of the wrong type", () => {
  const cases: Record<string, unknown> = {
    slotsAsString: { ...validWorkerFrames.hello, slots: "4" },
    protocolAsFloat: { ...validWorkerFrames.hello, protocol: 1.5 },
    labelsAsArray: { ...validWorkerFrames.hello, labels: ["region=eu-west"] },
    taskIdAsNumber: { ...validWorkerFrames.complete, taskId: 7 },
    emptyTaskId: { ...validWorkerFrames.complete, taskId: "" },
    shortKey: { ...validWorkerFrames.complete, key: "k" },
    retryableAsString: {
      ...validWorkerFrames.fail,
      error: { ...validWorkerFrames.fail.error, retryable: "yes" },
    },
    progressAboveOne: { ...validWorkerFrames.status, progress: 1.5 },
    negativeCredit: { ...validWorkerFrames.credit, free: -1 },
    noNodes: { ...validWorkerFrames.expand, nodes: [] },
    zeroSlots: { ...validWorkerFrames.hello, slots: 0 },
  };
  for (const [name, frame] of Object.entries(cases)) {
    assert.ok(!workerFrameSchema.safeParse(frame).success, `${name} passed`);
  }
});

Deno.test("hubFrameSchema rejects fields of the wrong type", () => {
  const cases: Record<string, unknown> = {
    kind: { ...validHubFrames.grant, kind: "delete" },
    ttlZero: { ...validHubFrames.grant, ttlMs: 0 },
    negativeAttempt: { ...validHubFrames.grant, attempt: -1 },
    outcome: { ...validHubFrames.ack, outcome: "maybe" },
    leaseTtl: { ...validHubFrames.welcome, leaseTtlMs: "15000" },
    code: { ...validHubFrames.error, code: 400 },
  };
  for (const [name, frame] of Object.entries(cases)) {
    assert.ok(!hubFrameSchema.safeParse(frame).success, `${name} passed`);
  }
});

Deno.test("the schemas reject epochs that are not integers >= 1", () => {
  for (const epoch of [0, -1, 1.5, "1", null, NaN, Infinity]) {
    const frames: unknown[] = [
      { ...validWorkerFrames.complete, epoch },
      { ...validWorkerFrames.release, epoch },
      { type: "lease.renew", leases: [{ taskId: TASK, epoch }] },
      { ...validWorkerFrames.status, epoch },
    ];
    for (const frame of frames) {
      assert.ok(!workerFrameSchema.safeParse(frame).success, `epoch ${epoch} passed`);
    }
    assert.ok(!hubFrameSchema.safeParse({ ...validHubFrames.grant, epoch }).success);
  }
});

Deno.test("familyInfoSchema rejects a family name that is not an identifier", () => {
  assert.ok(familyInfoSchema.safeParse(family).success);
  assert.ok(!familyInfoSchema.safeParse({ ...family, name: "bad-name" }).success);
  assert.ok(!familyInfoSchema.safeParse({ ...family, version: 0 }).success);
  assert.ok(!familyInfoSchema.safeParse({ ...family, pin: { Region: "x" } }).success);
});

Deno.test("expandNodeSchema rejects deps that are not task ids", () => {
  const node = validWorkerFrames.expand.nodes[0];
  assert.ok(expandNodeSchema.safeParse({ ...node, deps: ["A_1"] }).success);
  assert.ok(!expandNodeSchema.safeParse({ ...node, deps: [""] }).success);
  assert.ok(!expandNodeSchema.safeParse({ ...node, deps: "A_1" }).success);
});
