/**
 * A trigger source on NATS JetStream: a durable pull consumer on a stream
 * (made when missing, `ack_policy: explicit`), read with `consume()`, which
 * keeps up to a batch of messages on their way. A message's id is its stream
 * sequence, qualified by the stream's creation time so that a stream deleted
 * and made again never reuses the keys of the old one.
 */
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  jetstream,
  JetStreamApiError,
  jetstreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import {
  connect,
  type ConnectionOptions,
  credsAuthenticator,
  type NatsConnection,
} from "@nats-io/transport-node";
import type { NatsAuth, TriggerSourceSettings } from "../../shared/api_schemas_triggers.ts";
import type { SourceMessage, TriggerSource } from "./trigger_source.ts";

type Settings = Extract<TriggerSourceSettings, { kind: "jetstream" }>;

/** The durable consumer's name when the settings give none. */
export function defaultDurable(trigger: string): string {
  return `drover-${trigger.replaceAll(".", "_")}`;
}

/** Reads a JetStream stream for the trigger `trigger`. */
export class JetStreamSource implements TriggerSource {
  readonly #s: Settings;
  readonly #durable: string;
  readonly #clientName: string;
  #nc: NatsConnection | null = null;
  #consumer: Consumer | null = null;
  #messages: ConsumerMessages | null = null;
  #prefix = "";
  /** Messages received and not yet handed out by `fetch`. */
  #buffer: JsMsg[] = [];
  #wake: (() => void) | null = null;
  #failure: Error | null = null;

  constructor(trigger: string, settings: Settings, clientName: string) {
    this.#s = settings;
    this.#durable = settings.durable ?? defaultDurable(trigger);
    this.#clientName = clientName;
  }

  async open(): Promise<void> {
    this.#failure = null;
    this.#buffer = [];
    const nc = this.#nc = await this.#connect();
    const jsm = await jetstreamManager(nc);
    const { stream } = this.#s;
    const info = await jsm.streams.info(stream).catch((error) => {
      throw missing(error)
        ? new Error(`JetStream has no stream "${stream}" (on ${this.#s.servers.join(", ")})`)
        : error;
    });
    this.#prefix = `${stream}:${Date.parse(info.created)}:`;
    try {
      await jsm.consumers.info(stream, this.#durable);
    } catch (error) {
      if (!missing(error)) throw error;
      await jsm.consumers.add(stream, {
        durable_name: this.#durable,
        ack_policy: AckPolicy.Explicit,
        ack_wait: this.#s.ackWaitMs * 1_000_000,
        deliver_policy: this.#s.deliver === "all" ? DeliverPolicy.All : DeliverPolicy.New,
        max_deliver: -1,
        ...(this.#s.subject ? { filter_subject: this.#s.subject } : {}),
      });
    }
    const consumer = this.#consumer = await jetstream(nc).consumers.get(stream, this.#durable);
    const messages = this.#messages = await consumer.consume({
      max_messages: this.#s.batch,
      abort_on_missing_resource: true,
    });
    (async () => {
      for await (const m of messages) {
        this.#buffer.push(m);
        this.#wake?.();
      }
      const error = await messages.closed();
      this.#fail(error || new Error(`The consumer "${this.#durable}" stopped`));
    })().catch((error) => this.#fail(error));
  }

  async fetch(max: number, waitMs: number): Promise<SourceMessage[]> {
    if (this.#buffer.length === 0 && !this.#failure) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        this.#wake = done;
      });
    }
    if (this.#failure) throw this.#failure;
    return this.#buffer.splice(0, max).map((m) => this.#message(m));
  }

  async lag(): Promise<number | null> {
    if (!this.#consumer) return null;
    return (await this.#consumer.info(false)).num_pending;
  }

  async close(): Promise<void> {
    const nc = this.#nc;
    this.#nc = null;
    this.#wake?.();
    await this.#messages?.close().catch(() => {});
    // What was received and not handed out goes back at once, not after ack_wait.
    for (const m of this.#buffer.splice(0)) m.nak();
    if (nc && !nc.isClosed()) await drainOrClose(nc);
  }

  /** Deletes the durable consumer when the hub named it; one the settings named is the user's. */
  async remove(): Promise<void> {
    if (this.#s.durable !== undefined) return;
    const nc = await this.#connect();
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.consumers.delete(this.#s.stream, this.#durable).catch((error) => {
        if (!missing(error)) throw error;
      });
    } finally {
      await nc.close();
    }
  }

  async #connect(): Promise<NatsConnection> {
    return await connect({
      servers: this.#s.servers,
      name: this.#clientName,
      timeout: 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      ...await natsCredentials(this.#s.auth),
    });
  }

  #message(m: JsMsg): SourceMessage {
    return {
      id: this.#prefix + m.seq,
      data: m.data,
      redelivered: m.redelivered,
      ack: () => m.ack(),
      // No reason on the wire: servers before 2.10 do not take `+TERM <reason>` (the hub logs it).
      reject: () => m.term(),
      retry: (delayMs) => m.nak(delayMs),
    };
  }

  #fail(error: unknown): void {
    if (this.#nc === null) return; // closing
    this.#failure = error instanceof Error ? error : new Error(String(error));
    this.#wake?.();
  }
}

/** The connection options for `auth`, its secrets read from this hub's environment or disk. */
async function natsCredentials(
  auth: NatsAuth | undefined,
): Promise<Partial<ConnectionOptions>> {
  const variable = (name: string) => {
    const value = Deno.env.get(name);
    if (!value) throw new Error(`${name} is not set on this hub (the trigger's NATS credentials)`);
    return value;
  };
  switch (auth?.kind) {
    case undefined:
      return {};
    case "token":
      return { token: variable(auth.env) };
    case "user":
      return { user: auth.user, pass: variable(auth.passwordEnv) };
    case "creds": {
      let creds: Uint8Array;
      try {
        creds = await Deno.readFile(auth.file);
      } catch (error) {
        throw new Error(
          `Cannot read the NATS creds file ${auth.file}: ${(error as Error).message}`,
        );
      }
      return { authenticator: credsAuthenticator(creds) };
    }
  }
}

/** Whether a JetStream API error says the stream or consumer is not there. */
function missing(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404;
}

/** How long a closing connection may take to drain before it is closed outright. */
const DRAIN_MS = 5_000;

/**
 * Drains `nc` (what it sent is flushed), or closes it when that fails or
 * takes past {@link DRAIN_MS}: a broker that is away must not hold up a
 * pause, a delete or the hub's stop.
 */
async function drainOrClose(nc: NatsConnection): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(resolve, DRAIN_MS, "late"));
  const drained = nc.drain().then(() => "drained" as const, () => "failed" as const);
  const outcome = await Promise.race([drained, late]);
  clearTimeout(timer);
  if (outcome !== "drained") await nc.close().catch(() => {});
}
