/**
 * A throwaway NATS server with JetStream (Debian's `nats-server`) on a free
 * port of 127.0.0.1, its store in a directory of the caller's; stopped by its
 * own PID. Also a client for the tests' side: make a stream, publish, read a
 * consumer's figures.
 *
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { freePort } from "./free_port.ts";
import { ProcessHandle } from "./process_handle.ts";
import { INSTALL_NATS, requireBinary } from "./require_binary.ts";

/** A running NATS server with JetStream. */
export type NatsServer = ProcessHandle & {
  /** `127.0.0.1:<port>` */
  readonly server: string;
  readonly port: number;
};

/**
 * Starts `nats-server -js` and resolves once it accepts clients. `port`
 * reuses a port (a server started again on the same store after a crash).
 */
export async function startNats(
  options: { dir: string; port?: number; echo?: boolean; token?: string },
): Promise<NatsServer> {
  const binary = requireBinary("nats-server", INSTALL_NATS);
  const port = options.port ?? freePort();
  const child = new Deno.Command(binary, {
    args: [
      "-js",
      "-a",
      "127.0.0.1",
      "-p",
      String(port),
      "-sd",
      options.dir,
      ...(options.token ? ["--auth", options.token] : []),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const handle = new ProcessHandle(child, "nats-server", options.echo);
  try {
    await handle.waitFor((l) => /Server is ready/.test(l.msg ?? ""), 30_000, "nats ready");
  } catch (error) {
    await handle.stop(2_000);
    throw new Error(
      `nats-server did not start: ${(error as Error).message}\n` +
        handle.lines.map((l) => l.msg).join("\n"),
    );
  }
  return Object.assign(handle, { server: `127.0.0.1:${port}`, port });
}

/** The tests' own client of a NATS server. */
export class NatsClient implements AsyncDisposable {
  readonly nc: NatsConnection;

  private constructor(nc: NatsConnection) {
    this.nc = nc;
  }

  static async connect(server: string, token?: string): Promise<NatsClient> {
    return new NatsClient(
      await connect({ servers: [server], name: "drover test", ...(token ? { token } : {}) }),
    );
  }

  /** Makes a stream of `subjects` (file storage). */
  async addStream(name: string, subjects: string[]): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await jsm.streams.add({ name, subjects });
  }

  /** Publishes `data` as JSON and waits for the stream's acknowledgement; returns its sequence. */
  async publish(subject: string, data: unknown): Promise<number> {
    const ack = await jetstream(this.nc).publish(subject, JSON.stringify(data));
    return ack.seq;
  }

  /** Publishes raw bytes. */
  async publishRaw(subject: string, data: Uint8Array): Promise<number> {
    return (await jetstream(this.nc).publish(subject, data)).seq;
  }

  /** A durable consumer's figures, or null when there is none. */
  async consumer(
    stream: string,
    durable: string,
  ): Promise<
    { pending: number; ackPending: number; redelivered: number; deliveries: number } | null
  > {
    const jsm = await jetstreamManager(this.nc);
    try {
      const info = await jsm.consumers.info(stream, durable);
      return {
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
        // Every delivery so far, redeliveries included.
        deliveries: info.delivered.consumer_seq,
      };
    } catch {
      return null;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.nc.close();
  }
}
