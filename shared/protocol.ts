/**
 * The worker ⇄ hub wire protocol: JSON text frames, one zod discriminated
 * union per direction. The worker's first frame is `hello`, which carries
 * the newest protocol version it speaks; the hub answers `welcome` with the
 * version the connection will use (the lower of the two), or closes with a
 * reason.
 *
 * Version 2 adds, both ways, the `batch` frame: frames sent close together
 * travel as one message (see `frame_coalescer.ts`), and each is read and
 * answered as if it had come alone, so one bad frame in a batch is refused
 * alone. It also adds `prefetch` to `lease.credit`: leases a worker will
 * hold, beyond its free slots, to start as soon as a slot frees.
 *
 * @module
 */
import { z } from "zod";
import { familyOptionsSchema } from "./family_options.ts";
import { labelsSchema, selectorSchema } from "./selector.ts";
import { retryPolicySchema } from "./retry_policy.ts";
import { batchFrameSchema, MAX_BATCH_FRAMES } from "./frame_coalescer.ts";

/** The protocol version this code speaks. */
export const PROTOCOL_VERSION = 2;
/** Versions a hub built from this code accepts. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** The first version with `batch` frames and prefetch credit. */
export const BATCH_PROTOCOL = 2;
export { CLOSE, MAX_FRAME_BYTES } from "./close_codes.ts";
export { batchFrameSchema, MAX_BATCH_FRAMES };

const taskIdSchema = z.string().min(1).max(400);
const keySchema = z.string().min(8).max(200);
const epochSchema = z.int().min(1);

/** A lease as both sides name it. */
export const leaseRefSchema = z.strictObject({ taskId: taskIdSchema, epoch: epochSchema });

/** An error as it crosses the wire. */
export const wireErrorSchema = z.strictObject({
  name: z.string().max(200),
  message: z.string().max(10_000),
  retryable: z.boolean(),
  /** Where it was thrown (newer workers; upgrade hubs first). */
  stack: z.string().max(16_000).optional(),
});

/**
 * Figures a worker reports about itself in each renewal: workers sit behind
 * NATs and cannot be scraped, so the hub exports these per worker.
 */
export const workerFiguresSchema = z.strictObject({
  /** Slots running or expanding a task now. */
  slotsInUse: z.int().min(0).max(10_000),
  /** Completions and failures not yet acknowledged by a hub. */
  outbox: z.int().min(0),
  /** Resident set size of the worker process, bytes. */
  rssBytes: z.number().min(0),
  /** Event-loop delay over the last interval: its mean and its largest, milliseconds. */
  eventLoopDelayMs: z.number().min(0),
  eventLoopDelayMaxMs: z.number().min(0),
  /** Task log lines dropped since the worker started (buffer full or an attempt over its cap). */
  logLinesDropped: z.int().min(0),
});

/** Most lines in one `task.log` frame. */
export const MAX_LOG_LINES_PER_FRAME = 1_000;
/** Longest message of one task log line, in characters (longer ones are cut). */
export const MAX_LOG_MESSAGE_CHARS = 16_384;

/** One line task code wrote through `ctx.log`. */
export const taskLogLineSchema = z.strictObject({
  /** The worker's clock, milliseconds since the epoch. */
  at: z.int().min(0),
  level: z.enum(["debug", "info", "warn", "error"]),
  msg: z.string().max(MAX_LOG_MESSAGE_CHARS),
  fields: z.record(z.string(), z.unknown()).optional(),
});

/** What a worker advertises about each family it can run. */
export const familyInfoSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/),
  version: z.int().min(1),
  description: z.string().max(2000).optional(),
  paramsSchema: z.record(z.string(), z.unknown()),
  pin: selectorSchema.default({}),
  retry: retryPolicySchema,
  hasRun: z.boolean(),
  priority: z.int().default(0),
  timeoutMs: z.int().min(1).optional(),
  options: familyOptionsSchema.default({ resources: {}, maxDynamicRounds: 20 }),
  /** A hash of the family's code and declaration: two fingerprints for one family@version conflict. */
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/).optional(),
});

/** One task found while expanding. */
export const expandNodeSchema = z.strictObject({
  id: taskIdSchema,
  family: z.string().min(1).max(100),
  version: z.int().min(1),
  params: z.unknown(),
  /** False when this worker could not look further (unknown family, pin mismatch, budget). */
  expanded: z.boolean(),
  /** Outputs already exist: nothing to run. */
  complete: z.boolean().default(false),
  /** Ids of the direct requirements (only when expanded and not complete). */
  deps: z.array(taskIdSchema).default([]),
  /** An external task whose data is not there yet: check again later. */
  external: z.boolean().default(false),
  /** The task's own pin, when its family's code is known (a pin may depend on params). */
  pin: selectorSchema.optional(),
});

/** Frames a worker sends. */
export const workerFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("hello"),
    protocol: z.int(),
    workerId: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    version: z.string().max(50),
    labels: labelsSchema,
    slots: z.int().min(1).max(10_000),
    families: z.array(familyInfoSchema).max(10_000),
    /** Leases the worker still holds (after a reconnect). */
    leases: z.array(leaseRefSchema).max(10_000).default([]),
  }),
  z.strictObject({
    type: z.literal("lease.credit"),
    /** Free slots now. */
    free: z.int().min(0).max(10_000),
    /** Grants received on this connection so far (lets the hub subtract grants in flight). */
    grantsSeen: z.int().min(0),
    /**
     * Leases the worker would also hold beyond its free slots, waiting for
     * one to free (protocol 2). The hub fills every worker's free slots first.
     */
    prefetch: z.int().min(0).max(10_000).optional(),
  }),
  z.strictObject({
    type: z.literal("lease.renew"),
    leases: z.array(leaseRefSchema).max(10_000),
    /** The worker's own figures, exported by the hub as metrics (optional: older workers). */
    figures: workerFiguresSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("lease.release"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    reason: z.string().max(1000),
  }),
  z.strictObject({
    type: z.literal("expand.result"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    key: keySchema,
    nodes: z.array(expandNodeSchema).min(1).max(100_000),
    /**
     * More parts follow: a big expansion is sent in parts, requirements
     * first, the root's own node in the last (newer workers; upgrade hubs first).
     */
    more: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("task.complete"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    key: keySchema,
  }),
  z.strictObject({
    type: z.literal("task.fail"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    key: keySchema,
    error: wireErrorSchema,
  }),
  z.strictObject({
    /** The run asked for requirements that are not complete: wait for them without a slot. */
    type: z.literal("task.park"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    key: keySchema,
    /** The task itself (its new requirements as deps) and their expansion. */
    nodes: z.array(expandNodeSchema).min(1).max(100_000),
  }),
  z.strictObject({
    /**
     * Lines the task wrote, in order, for the attempt holding `epoch`; sent in
     * batches and always before the attempt's outcome. `dropped` counts lines
     * lost just before these (buffer full, or the attempt over its cap).
     */
    type: z.literal("task.log"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    lines: z.array(taskLogLineSchema).max(MAX_LOG_LINES_PER_FRAME),
    dropped: z.int().min(0).default(0),
  }),
  z.strictObject({
    type: z.literal("task.status"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    message: z.string().max(2000).optional(),
    progress: z.number().min(0).max(1).optional(),
  }),
]);

/** A frame a worker sends. */
export type WorkerFrame = z.infer<typeof workerFrameSchema>;
/** The worker's first frame. */
export type HelloFrame = Extract<WorkerFrame, { type: "hello" }>;
/** A family as advertised. */
export type FamilyInfo = z.infer<typeof familyInfoSchema>;
/** One node of an expansion result. */
export type ExpandNode = z.infer<typeof expandNodeSchema>;
/** A lease reference. */
export type LeaseRef = z.infer<typeof leaseRefSchema>;
/** A worker's own figures, sent with its renewals. */
export type WorkerFigures = z.infer<typeof workerFiguresSchema>;
/** One task log line as it crosses the wire. */
export type TaskLogLine = z.infer<typeof taskLogLineSchema>;

/** Frames a hub sends. */
export const hubFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("welcome"),
    protocol: z.int(),
    hubId: z.string(),
    workerId: z.string(),
    leaseTtlMs: z.int().min(1),
  }),
  z.strictObject({
    type: z.literal("lease.grant"),
    kind: z.enum(["expand", "run"]),
    taskId: taskIdSchema,
    family: z.string(),
    version: z.int(),
    params: z.unknown(),
    attempt: z.int().min(0),
    epoch: epochSchema,
    ttlMs: z.int().min(1),
    /** Further members of a batch lease (same family, differing only in the batch parameter). */
    batch: z.array(z.strictObject({
      taskId: taskIdSchema,
      params: z.unknown(),
      attempt: z.int().min(0),
      epoch: epochSchema,
    })).optional(),
    /** Requirements already done (sent after a park, for requirements without outputs). */
    doneDeps: z.array(taskIdSchema).optional(),
    /** The run chose this task's pin: expand it here even if its own pin says otherwise. */
    pinnedByRun: z.boolean().optional(),
  }),
  z.strictObject({
    /** The hub took the lease back (the task was cancelled): stop, publish nothing. */
    type: z.literal("lease.revoke"),
    taskId: taskIdSchema,
    epoch: epochSchema,
    reason: z.string(),
  }),
  z.strictObject({
    type: z.literal("lease.renewed"),
    ttlMs: z.int().min(1),
    refused: z.array(z.strictObject({
      taskId: taskIdSchema,
      epoch: epochSchema,
      reason: z.string(),
      cancelled: z.boolean().optional(),
    })),
  }),
  z.strictObject({
    type: z.literal("task.ack"),
    taskId: taskIdSchema,
    epoch: epochSchema.optional(),
    key: z.string(),
    outcome: z.enum(["accepted", "stale"]),
    message: z.string(),
  }),
  z.strictObject({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    /**
     * The refused result, when the error is about one: the worker reports
     * its attempt failed instead of sending it again (newer hubs).
     */
    taskId: taskIdSchema.optional(),
    epoch: epochSchema.optional(),
    key: keySchema.optional(),
  }),
]);

/** A frame a hub sends. */
export type HubFrame = z.infer<typeof hubFrameSchema>;
/** A lease grant. */
export type LeaseGrant = Extract<HubFrame, { type: "lease.grant" }>;
