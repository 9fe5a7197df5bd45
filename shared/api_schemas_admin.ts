/**
 * The admin API's answers about the fleet and its control: workers, tokens,
 * pauses, resources, the queue, the audit log, health, and the problem+json body of
 * every error. The hub describes its routes with these schemas and the CLI
 * parses what it receives with the same ones. Objects are loose.
 *
 * @module
 */
import { z } from "zod";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");
const labels = z.record(z.string(), z.string());

/**
 * Token roles, most powerful first: `worker` opens the worker WebSocket only.
 *
 * @example
 * ```ts
 * import { TOKEN_ROLES } from "./api_schemas_admin.ts";
 * console.assert(TOKEN_ROLES[0] === "admin");
 * ```
 */
export const TOKEN_ROLES = ["admin", "operator", "viewer", "worker"] as const;

/** A token's role. */
export type TokenRole = (typeof TOKEN_ROLES)[number];

/**
 * What a pause stops: a task family (every version), or a region of workers.
 *
 * @example
 * ```ts
 * import { PAUSE_KINDS } from "./api_schemas_admin.ts";
 * console.assert(PAUSE_KINDS.includes("region"));
 * ```
 */
export const PAUSE_KINDS = ["family", "region"] as const;

/** A pause's kind. */
export type PauseKind = (typeof PAUSE_KINDS)[number];

/** A worker the hubs have seen. */
export const workerSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  labels,
  version: z.string(),
  slots: z.int(),
  hubId: z.string().nullable(),
  state: z.enum(["connected", "disconnected"]),
  cordoned: z.boolean(),
  draining: z.boolean(),
  connectedAt: ms(),
  lastSeenAt: ms(),
  leases: z.int(),
});

/** A worker as the hub last saw it. */
export type Worker = z.output<typeof workerSchema>;

/** `GET /api/workers`. */
export const workerListSchema = z.looseObject({ workers: z.array(workerSchema) });

/** `POST /api/workers/{worker}/{cordon,uncordon,drain}`. */
export const workerModeSchema = z.looseObject({
  workerId: z.string(),
  cordoned: z.boolean(),
  draining: z.boolean(),
});

/** A worker's cordon and drain flags. */
export type WorkerMode = z.output<typeof workerModeSchema>;

/** A token, without its secret. Only worker tokens have a scope. */
export const tokenInfoSchema = z.looseObject({
  id: z.string(),
  role: z.enum(TOKEN_ROLES),
  scope: labels,
  name: z.string(),
  createdAt: ms(),
  revokedAt: ms().nullable(),
  lastUsedAt: ms().nullable(),
});

/** A token as listed. */
export type TokenInfo = z.output<typeof tokenInfoSchema>;

/** `POST /api/tokens` → 201: the token, with its secret shown once. */
export const tokenCreatedSchema = tokenInfoSchema.extend({ token: z.string() });

/** A created token. */
export type TokenCreated = z.output<typeof tokenCreatedSchema>;

/** `GET /api/tokens`. */
export const tokenListSchema = z.looseObject({ tokens: z.array(tokenInfoSchema) });

/** `DELETE /api/tokens/{id}`. */
export const tokenRevokedSchema = z.looseObject({
  id: z.string(),
  revoked: z.boolean(),
  sessionsClosed: z.int(),
});

/** A token revoked, and how many worker sessions that closed. */
export type TokenRevoked = z.output<typeof tokenRevokedSchema>;

/** A pause in force. */
export const pauseSchema = z.looseObject({
  kind: z.enum(PAUSE_KINDS),
  value: z.string(),
  reason: z.string().nullable(),
  createdBy: z.string().nullable().describe("The token that paused it"),
  createdAt: ms(),
});

/** A pause in force. */
export type Pause = z.output<typeof pauseSchema>;

/** `GET /api/pauses`. */
export const pauseListSchema = z.looseObject({ pauses: z.array(pauseSchema) });

/** `PUT` or `DELETE /api/pauses/{kind}/{value}`. */
export const pauseChangedSchema = z.looseObject({
  kind: z.enum(PAUSE_KINDS),
  value: z.string(),
  paused: z.boolean(),
});

/** A pause set or lifted. */
export type PauseChanged = z.output<typeof pauseChangedSchema>;

/** A named global resource: its limit and what running tasks hold now. */
export const resourceSchema = z.looseObject({
  name: z.string(),
  limit: z.int(),
  inUse: z.int(),
  configured: z.boolean().describe("False: the default limit of 1 applies"),
});

/** A named global resource. */
export type Resource = z.output<typeof resourceSchema>;

/** `GET /api/resources`. */
export const resourceListSchema = z.looseObject({ resources: z.array(resourceSchema) });

/** `PUT /api/resources/{name}`. */
export const resourceSetSchema = z.looseObject({ name: z.string(), limit: z.int() });

/** A resource limit set. */
export type ResourceSet = z.output<typeof resourceSetSchema>;

/** One audit entry: who did what, and whether the hub let them. */
export const auditEntrySchema = z.looseObject({
  id: z.int(),
  at: ms(),
  tokenId: z.string().nullable().describe("The acting token (`tok_…`)"),
  actor: z.string().nullable().describe("The acting token's name"),
  role: z.string().nullable(),
  action: z.string().describe("e.g. `run.submit`, `task.retry`, `worker.drain`"),
  target: z.string().nullable().describe("The run, task, worker, token, family or region acted on"),
  outcome: z.enum(["ok", "denied", "failed"]),
  status: z.int().describe("The HTTP status answered"),
  detail: z.record(z.string(), z.unknown()).describe("The reason given, the error code, counts"),
});

/** One audit log entry. */
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** `GET /api/audit`: a page of entries, newest first; `next` is the cursor of the next page. */
export const auditListSchema = z.looseObject({
  entries: z.array(auditEntrySchema),
  next: z.string().nullable(),
});

/** A page of the audit log. */
export type AuditList = z.output<typeof auditListSchema>;

/** `GET /api/queue`: ready tasks per region and per (pin, family), and why any of them starve. */
export const queueSchema = z.looseObject({
  regions: z.array(z.looseObject({ region: z.string(), ready: z.int() })),
  queues: z.array(z.looseObject({
    pin: z.string(),
    region: z.string(),
    family: z.string(),
    version: z.int(),
    ready: z.int(),
    unschedulable: z.string().nullable(),
  })),
});

/** The queue's depth. */
export type QueueDepth = z.output<typeof queueSchema>;

/** `GET /healthz`: `{ ok, hubId }`. */
export const healthSchema = z.looseObject({ ok: z.boolean(), hubId: z.string() });

/** `GET /readyz`: health, and how long the database took to answer. */
export const readySchema = healthSchema.extend({ dbMs: z.int() });

/** The media type of every error the API returns. */
export const PROBLEM_TYPE = "application/problem+json";

/**
 * An RFC 9457 problem, the body of every 4xx/5xx answer, with a stable
 * `code` that clients branch on (`type` is `urn:drover:problem:<code>`).
 *
 * @example
 * ```ts
 * import { problemSchema } from "./api_schemas_admin.ts";
 * problemSchema.parse({
 *   type: "urn:drover:problem:run_not_found",
 *   title: "Not found",
 *   status: 404,
 *   detail: 'Run "run_x" does not exist',
 *   code: "run_not_found",
 * });
 * ```
 */
export const problemSchema = z.object({
  type: z.string().describe("`urn:drover:problem:<code>`"),
  title: z.string().describe("A short, fixed summary of the code"),
  status: z.int(),
  detail: z.string().describe("What went wrong in this request"),
  code: z.string().describe("Stable machine-readable code, e.g. `run_not_found`"),
  field: z.string().optional().describe("The request field at fault, when there is one"),
});

/** A problem body. */
export type Problem = z.infer<typeof problemSchema>;
