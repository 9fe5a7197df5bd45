/**
 * The admin API's webhooks: `POST /api/hooks/{name}` starts a run of a
 * family with parameters taken from a signed JSON payload. The hub validates
 * requests and describes its answers with these schemas; the CLI parses what
 * it receives with the same ones.
 *
 * @module
 */
import { z } from "zod";
import { triggerNameSchema } from "./api_schemas_schedules.ts";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");

/** A JSON pointer (RFC 6901) into a delivery's payload: `/repository/name`. */
export const jsonPointerSchema = z.string().max(500).regex(/^(\/([^~/]|~[01])*)+$/, {
  message: "a JSON pointer such as /repository/name (RFC 6901)",
});

/** `POST /api/hooks`. */
export const createHookSchema = z.strictObject({
  name: triggerNameSchema,
  family: z.string().min(1).max(100),
  version: z.int().min(1).optional().describe(
    "Default: the family's newest version at each delivery",
  ),
  params: z.record(z.string(), z.unknown()).default({}).describe("The fixed parameters"),
  mapping: z.record(z.string(), jsonPointerSchema).default({})
    .describe('Parameters taken from the payload: `{ param: "/json/pointer" }`'),
  secret: z.string().min(16).max(200).optional()
    .describe("The HMAC-SHA256 key deliveries are signed with; made for you when left out"),
  idempotencyKey: z.union([
    z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]{1,100}$/) }),
    z.strictObject({ field: jsonPointerSchema }),
  ]).default({ header: "X-GitHub-Delivery" })
    .describe("Where each delivery's unique id is: a header, or a field of the payload"),
  priority: z.int().min(-1_000_000).max(1_000_000).default(0),
});

/** A hook to create, as validated. */
export type CreateHook = z.output<typeof createHookSchema>;

/** A hook, as the API lists it (never its secret). */
export const hookSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  family: z.string(),
  version: z.int().nullable(),
  params: z.record(z.string(), z.unknown()),
  mapping: z.record(z.string(), z.string()),
  idempotencyKey: z.union([
    z.looseObject({ header: z.string() }),
    z.looseObject({ field: z.string() }),
  ]),
  priority: z.int(),
  url: z.string().describe("The path deliveries are posted to"),
  createdBy: z.string().nullable(),
  createdAt: ms(),
});

/** A hook. */
export type Hook = z.output<typeof hookSchema>;

/** `POST /api/hooks` → 201: the hook, and its secret, shown this once. */
export const hookCreatedSchema = hookSchema.extend({ secret: z.string() });

/** `GET /api/hooks`. */
export const hookListSchema = z.looseObject({ hooks: z.array(hookSchema) });

/** `POST /api/hooks/{name}`: the run a delivery started (or, `duplicate`, started before). */
export const hookDeliveredSchema = z.looseObject({
  hook: z.string(),
  key: z.string().describe("The delivery's idempotency key"),
  runId: z.string(),
  duplicate: z.boolean().describe("This key was delivered before: no second run"),
});
