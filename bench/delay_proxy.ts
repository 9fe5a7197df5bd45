/**
 * A TCP proxy on 127.0.0.1 that holds every byte for a fixed time each way
 * before passing it on, in order: a hub `2 × delayMs` of round trip away,
 * without the bandwidth or loss of a real long link.
 */

/** A delaying proxy from a free local port to `127.0.0.1:<targetPort>`. */
export class DelayProxy {
  readonly delayMs: number;
  readonly #targetPort: number;
  readonly #listener: Deno.TcpListener;
  readonly #conns = new Set<Deno.Conn>();
  readonly #accepting: Promise<void>;

  constructor(targetPort: number, delayMs: number) {
    if (!(delayMs >= 0)) throw new RangeError(`delayMs must be 0 or more, not ${delayMs}`);
    this.delayMs = delayMs;
    this.#targetPort = targetPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** The proxy as an http URL (what a worker dials). */
  get url(): string {
    return `http://127.0.0.1:${this.#listener.addr.port}`;
  }

  /** Stops accepting and cuts every connection. */
  async close(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const conn of this.#conns) closeQuietly(conn);
    await this.#accepting;
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) void this.#pipe(client);
    } catch {
      // the listener closed
    }
  }

  async #pipe(client: Deno.Conn): Promise<void> {
    this.#conns.add(client);
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#targetPort });
    } catch {
      this.#conns.delete(client);
      closeQuietly(client);
      return;
    }
    this.#conns.add(upstream);
    await Promise.all([this.#copy(client, upstream), this.#copy(upstream, client)]);
    for (const conn of [client, upstream]) {
      this.#conns.delete(conn);
      closeQuietly(conn);
    }
  }

  /** Copies `from` to `to`, each chunk `delayMs` after it was read, in order. */
  async #copy(from: Deno.Conn, to: Deno.Conn): Promise<void> {
    let chain = Promise.resolve();
    let broken = false;
    for (;;) {
      const buffer = new Uint8Array(64 * 1024);
      let n: number | null;
      try {
        n = await from.read(buffer);
      } catch {
        break;
      }
      if (n === null || broken) break;
      const chunk = buffer.subarray(0, n);
      const due = performance.now() + this.delayMs;
      chain = chain.then(async () => {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        let offset = 0;
        while (offset < chunk.length) offset += await to.write(chunk.subarray(offset));
      }).catch(() => {
        broken = true;
      });
    }
    await chain;
    try {
      await to.closeWrite();
    } catch {
      // the other side is gone
    }
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
