/**
 * A small TCP proxy on 127.0.0.1 for the chaos suite: it forwards every
 * connection to a target port, copying bytes both ways, and can cut the
 * link (close every live connection and refuse new ones for a while) or
 * stall it (hold every byte, both ways, for a while, then deliver them in
 * order: a partition neither end can see). When the target is down, a new
 * connection is closed at once, as a dead host would look to the client.
 */

interface Pair {
  client: Deno.Conn;
  upstream: Deno.Conn | null;
  closed: boolean;
  done: Promise<void>;
}

/** Counters of a proxy's life. */
export interface ProxyStats {
  accepted: number;
  /** Connections closed at once because the link was cut. */
  refused: number;
  /** Connections closed at once because the target did not answer. */
  targetDown: number;
  cuts: number;
  stalls: number;
}

/**
 * A TCP proxy from a free local port to `127.0.0.1:<targetPort>`.
 *
 * @example
 * ```ts ignore
 * import { ChaosProxy } from "./chaos_proxy.ts";
 * const proxy = new ChaosProxy(8080);
 * await proxy.cut(500); // workers behind it lose their hub for half a second
 * await proxy.close();
 * ```
 */
export class ChaosProxy {
  readonly stats: ProxyStats = { accepted: 0, refused: 0, targetDown: 0, cuts: 0, stalls: 0 };
  readonly #listener: Deno.TcpListener;
  readonly #targetPort: number;
  readonly #pairs = new Set<Pair>();
  readonly #accepting: Promise<void>;
  #refuseUntil = 0;
  #stalled: Promise<void> | null = null;
  #endStall: (() => void) | null = null;
  #closed = false;

  constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#acceptLoop();
  }

  /** The local port clients connect to. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** `http://127.0.0.1:<port>`, for a worker's `DROVER_HUB_URL`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Live connections. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Closes every live connection and refuses new ones for `ms`; resolves when the cut ends. */
  async cut(ms: number): Promise<void> {
    this.stats.cuts++;
    this.#refuseUntil = Math.max(this.#refuseUntil, Date.now() + ms);
    for (const pair of this.#pairs) closePair(pair);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Holds every byte, both ways, for `ms` (or until {@link release}), then
   * delivers them in order; resolves when the stall ends.
   */
  stall(ms: number): Promise<void> {
    this.release();
    this.stats.stalls++;
    const ended = Promise.withResolvers<void>();
    const timer = setTimeout(() => this.release(), ms);
    this.#stalled = ended.promise;
    this.#endStall = () => {
      clearTimeout(timer);
      this.#stalled = null;
      this.#endStall = null;
      ended.resolve();
    };
    return ended.promise;
  }

  /** Ends a stall now. */
  release(): void {
    this.#endStall?.();
  }

  /** Stops listening, closes every connection and waits until all copying has stopped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.release();
    this.#listener.close();
    for (const pair of this.#pairs) closePair(pair);
    await this.#accepting;
    await Promise.all([...this.#pairs].map((p) => p.done));
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#closed) {
      let client: Deno.Conn;
      try {
        client = await this.#listener.accept();
      } catch {
        return; // the listener was closed
      }
      if (this.#closed || Date.now() < this.#refuseUntil) {
        this.stats.refused++;
        closeQuietly(client);
        continue;
      }
      this.stats.accepted++;
      const pair: Pair = { client, upstream: null, closed: false, done: Promise.resolve() };
      this.#pairs.add(pair);
      pair.done = this.#forward(pair).finally(() => this.#pairs.delete(pair));
    }
  }

  async #forward(pair: Pair): Promise<void> {
    try {
      pair.upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#targetPort });
    } catch {
      this.stats.targetDown++;
      closePair(pair);
      return;
    }
    // Cut (or closed) while connecting: drop both ends.
    if (pair.closed || this.#closed || Date.now() < this.#refuseUntil) {
      closePair(pair);
      return;
    }
    const gate = () => this.#stalled;
    const up = copy(pair.client, pair.upstream, gate);
    const down = copy(pair.upstream, pair.client, gate);
    await Promise.race([up, down]);
    // One side ended: end the other too (a WebSocket has no use for half-closed links).
    closePair(pair);
    await Promise.all([up, down]);
  }
}

/** Copies until `from` ends or either side fails, holding bytes while `stalled()` says so. */
async function copy(
  from: Deno.Conn,
  to: Deno.Conn,
  stalled: () => Promise<void> | null,
): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await from.read(buffer);
      if (n === null) return;
      for (let s = stalled(); s; s = stalled()) await s;
      let offset = 0;
      while (offset < n) offset += await to.write(buffer.subarray(offset, n));
    }
  } catch {
    // closed by a cut, by the other side, or by the peer: the pair is closed next
  }
}

function closePair(pair: Pair): void {
  pair.closed = true;
  closeQuietly(pair.client);
  if (pair.upstream) closeQuietly(pair.upstream);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
