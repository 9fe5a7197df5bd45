/**
 * The admin API's stream triggers: each message on a broker's subject starts
 * a run of a family, with parameters taken from its JSON payload. The first
 * source is NATS JetStream, read through a durable pull consumer. The hub
 * validates requests and describes its answers with these schemas; the CLI
 * parses what it receives with the same ones.
 *
 * @module
 */
import { z } from "zod";
import { jsonPointerSchema } from "./api_schemas_hooks.ts";
import { triggerNameSchema } from "./api_schemas_schedules.ts";

const ms = () => z.int().describe("Milliseconds since the epoch, hub clock");

/** A JetStream stream's or consumer's name (no spaces, dots, `*`, `>`, slashes). */
const natsNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, {
  message: "letters, digits, '_' and '-' (up to 100)",
});

/** A NATS server to connect to: `host:port` or `nats://host:port`. */
const natsServerSchema = z.string().max(300).regex(/^(nats:\/\/|tls:\/\/)?[^\s/@]+(:\d{1,5})?$/, {
  message: "host:port, nats://host:port or tls://host:port (credentials are not taken here)",
});

/** The name of an environment variable of the hubs (which hold the secret, not the database). */
const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, {
  message: "an environment variable's name (letters, digits, _)",
});

/**
 * How hubs authenticate to NATS. Secrets stay in each hub's environment or
 * files; the trigger names where they are.
 */
const natsAuthSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("token"), env: envNameSchema })
    .describe("A token, from the variable `env`"),
  z.strictObject({
    kind: z.literal("user"),
    user: z.string().min(1).max(200),
    passwordEnv: envNameSchema,
  }).describe("A user, with the password from the variable `passwordEnv`"),
  z.strictObject({ kind: z.literal("creds"), file: z.string().min(1).max(1000) })
    .describe("A `.creds` file (JWT and NKey seed) at this path on every hub"),
]);

/** How hubs authenticate to NATS. */
export type NatsAuth = z.output<typeof natsAuthSchema>;

/** Where a JetStream trigger reads. */
const jetStreamSourceSchema = z.strictObject({
  kind: z.literal("jetstream"),
  servers: z.array(natsServerSchema).min(1).max(10).describe("The NATS servers to connect to"),
  auth: natsAuthSchema.optional().describe("How to authenticate; default: no credentials"),
  stream: natsNameSchema.describe("The stream (it must exist)"),
  subject: z.string().min(1).max(300).regex(/^[^\s]+$/, { message: "a subject without spaces" })
    .optional().describe(
      "Only the stream's messages on this subject (wildcards allowed); " +
        "default: all of the stream",
    ),
  durable: natsNameSchema.optional()
    .describe("The durable consumer's name; default `drover-<trigger name>`. Created if missing"),
  deliver: z.enum(["new", "all"]).default("new").describe(
    "Where a consumer made for the trigger starts: messages published from now on, or " +
      "every message the stream holds",
  ),
  ackWaitMs: z.int().min(1_000).max(3_600_000).default(30_000)
    .describe("How long a message fetched and not acknowledged waits before it is redelivered"),
  batch: z.int().min(1).max(1_000).default(100)
    .describe("Most messages fetched, and submitted in one transaction, at a time"),
});

/** A source's settings, by kind (JetStream only, so far). */
export const triggerSourceSchema = z.discriminatedUnion("kind", [jetStreamSourceSchema]);

/** A source's settings, as validated. */
export type TriggerSourceSettings = z.output<typeof triggerSourceSchema>;

/** `POST /api/triggers`. */
export const createTriggerSchema = z.strictObject({
  name: triggerNameSchema,
  source: triggerSourceSchema,
  family: z.string().min(1).max(100),
  version: z.int().min(1).optional().describe(
    "Default: the family's newest version at each message",
  ),
  params: z.record(z.string(), z.unknown()).default({}).describe("The fixed parameters"),
  mapping: z.record(z.string(), jsonPointerSchema).default({})
    .describe('Parameters taken from the payload: `{ param: "/json/pointer" }`'),
  keyField: jsonPointerSchema.optional().describe(
    "Where each message's idempotency key is in its payload; default: the message's own id " +
      "(for JetStream, its stream sequence), the same on every redelivery",
  ),
  priority: z.int().min(-1_000_000).max(1_000_000).default(0),
  paused: z.boolean().default(false).describe("Create it paused: nothing is consumed yet"),
});

/** A trigger to create, as validated. */
export type CreateTrigger = z.output<typeof createTriggerSchema>;

/** What the hub answering sees of a trigger's consumer. */
export const triggerStatusSchema = z.looseObject({
  state: z.enum(["starting", "consuming", "paused", "failing", "stopped"]),
  error: z.string().nullable().describe("The last error, while `failing`"),
  pending: z.int().nullable()
    .describe("Messages on the consumer not yet delivered (its lag), as last measured"),
  accepted: z.int().describe("Messages this hub turned into runs since it started"),
  duplicates: z.int().describe("Redelivered messages this hub found runs for"),
  rejected: z.int().describe("Messages this hub refused for good (not JSON, bad parameters)"),
  lastMessageAt: ms().nullable(),
});

/** A trigger's consumer as one hub sees it. */
export type TriggerStatus = z.output<typeof triggerStatusSchema>;

/** A trigger, as the API shows it. */
export const triggerSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  source: z.looseObject({ kind: z.string() }),
  family: z.string(),
  version: z.int().nullable(),
  params: z.record(z.string(), z.unknown()),
  mapping: z.record(z.string(), z.string()),
  keyField: z.string().nullable(),
  priority: z.int(),
  paused: z.looseObject({ at: ms(), reason: z.string().nullable() }).nullable(),
  status: triggerStatusSchema.describe("Its consumer on the hub that answered"),
  createdBy: z.string().nullable(),
  createdAt: ms(),
});

/** A trigger. */
export type Trigger = z.output<typeof triggerSchema>;

/** `GET /api/triggers`. */
export const triggerListSchema = z.looseObject({ triggers: z.array(triggerSchema) });
