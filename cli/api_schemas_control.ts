/**
 * The shapes of the hub's control-plane answers (errors, tokens, pauses,
 * audit, resources, retries and cancellations), checked once where they
 * enter the CLI. Objects are loose: fields the CLI does not show pass
 * through to `--json` output untouched.
 */
import { z } from "zod";

/**
 * An RFC 9457 problem, the body of every 4xx/5xx answer:
 * `{ type: "urn:drover:problem:<code>", title, status, detail, code, field? }`.
 * Every field is optional here; {@link problemOf} fills the gaps.
 */
export const problemSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  code: z.string().optional(),
  field: z.string().nullish(),
});

/** The error body of hubs before problem+json: `{"error":{"code","message","field"?}}`. */
export const legacyErrorSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    field: z.string().nullish(),
  }),
});

const PROBLEM_TYPE = "urn:drover:problem:";

/**
 * The code, message and field of an error body in either shape, or null
 * when the body is neither (an HTML page from a proxy, say).
 */
export function problemOf(
  body: unknown,
): { code: string; message: string; field: string | null } | null {
  const legacy = legacyErrorSchema.safeParse(body);
  if (legacy.success) {
    const { code, message, field } = legacy.data.error;
    return { code, message, field: field ?? null };
  }
  const problem = problemSchema.safeParse(body);
  if (!problem.success) return null;
  const { type, title, detail, field } = problem.data;
  const code = problem.data.code ??
    (type?.startsWith(PROBLEM_TYPE) ? type.slice(PROBLEM_TYPE.length) : undefined);
  const message = detail ?? title;
  if (code === undefined || message === undefined) return null;
  return { code, message, field: field ?? null };
}

/** The roles a token can have, most powerful first. */
export const TOKEN_ROLES = ["admin", "operator", "viewer", "worker"] as const;

/** A token's role. */
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A token as `GET /api/tokens` lists it (no secret). Only worker tokens have a scope. */
export const tokenInfoSchema = z.looseObject({
  id: z.string(),
  role: z.string(),
  scope: z.record(z.string(), z.string()).nullish(),
  name: z.string().nullish(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
  lastUsedAt: z.number().nullish(),
});

/** A token as listed. */
export type TokenInfo = z.output<typeof tokenInfoSchema>;

/** `POST /api/tokens`: the token, with its secret, shown once. */
export const tokenCreatedSchema = tokenInfoSchema.extend({ token: z.string() });

/** A created token. */
export type TokenCreated = z.output<typeof tokenCreatedSchema>;

/** `GET /api/tokens`. */
export const tokenListSchema = z.looseObject({ tokens: z.array(tokenInfoSchema) });

/** `DELETE /api/tokens/:id`. */
export const tokenRevokedSchema = z.looseObject({ id: z.string(), sessionsClosed: z.number() });

/** `POST /api/runs/:id/retry`: the failed tasks sent back to the queue, and those unblocked. */
export const runRetriedSchema = z.looseObject({
  runId: z.string(),
  retried: z.array(z.string()),
  unblocked: z.number(),
});

/** What a run retry did. */
export type RunRetried = z.output<typeof runRetriedSchema>;

/** `POST /api/runs/:id/cancel`. */
export const runCancelledSchema = z.looseObject({ runId: z.string(), cancelled: z.number() });

/** What a run cancellation did. */
export type RunCancelled = z.output<typeof runCancelledSchema>;

/** `POST /api/tasks/:id/{retry,cancel,done}`: the task's new state. */
export const taskActionSchema = z.looseObject({ taskId: z.string(), state: z.string() });

/** A task's state after a retry, cancel or mark-done. */
export type TaskAction = z.output<typeof taskActionSchema>;

/** What a pause stops: a task family, or a region of workers. */
export const PAUSE_KINDS = ["family", "region"] as const;

/** A pause's kind. */
export type PauseKind = (typeof PAUSE_KINDS)[number];

/** `GET /api/pauses` rows. */
export const pauseSchema = z.looseObject({
  kind: z.string(),
  value: z.string(),
  reason: z.string().nullish(),
  createdBy: z.string().nullish(),
  createdAt: z.number(),
});

/** A pause in force. */
export type Pause = z.output<typeof pauseSchema>;

/** `GET /api/pauses`. */
export const pauseListSchema = z.looseObject({ pauses: z.array(pauseSchema) });

/** `PUT` or `DELETE /api/pauses/:kind/:value`. */
export const pauseChangedSchema = z.looseObject({
  kind: z.string(),
  value: z.string(),
  paused: z.boolean(),
});

/** A pause set or lifted. */
export type PauseChanged = z.output<typeof pauseChangedSchema>;

/** `GET /api/audit` rows: who did what, and whether the hub let them. */
export const auditEntrySchema = z.looseObject({
  id: z.union([z.string(), z.number()]),
  at: z.number(),
  tokenId: z.string().nullish(),
  actor: z.string().nullish(),
  role: z.string().nullish(),
  action: z.string(),
  target: z.string().nullish(),
  outcome: z.string(),
  status: z.number().nullish(),
  /** The reason given, the error code, counts: an object, or text from older hubs. */
  detail: z.unknown(),
});

/** One audit log entry. */
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** `GET /api/audit`: a page of entries, newest first; `next` is the cursor of the next page. */
export const auditListSchema = z.looseObject({
  entries: z.array(auditEntrySchema),
  next: z.string().nullable().default(null),
});

/** A page of the audit log. */
export type AuditList = z.output<typeof auditListSchema>;

/** `GET /api/resources` rows. */
export const resourceSchema = z.looseObject({
  name: z.string(),
  limit: z.number(),
  inUse: z.number(),
  configured: z.boolean(),
});

/** A named global resource: its limit and what running tasks hold now. */
export type Resource = z.output<typeof resourceSchema>;

/** `GET /api/resources`. */
export const resourceListSchema = z.looseObject({ resources: z.array(resourceSchema) });

/** `PUT /api/resources/:name`. */
export const resourceSetSchema = z.looseObject({ name: z.string(), limit: z.number() });
