/**
 * A TCP relay on 127.0.0.1 in front of a server, with a gate on the way in:
 * `close()` the gate and what clients send is swallowed (the server never
 * sees it) while what the server sends still reaches them. A test puts one
 * between a hub and its broker to lose the hub's acknowledgements and
 * nothing else. `cut()` ends every relayed connection.
 *
 * @module
 */

/** A relay to `target` (`host:port`). */
export interface TcpGate extends AsyncDisposable {
  /** `127.0.0.1:<port>`: where clients connect instead of the target. */
  readonly address: string;
  /** Swallows what clients send from now on. */
  close(): void;
  /** Lets it through again (for connections made from now on; cut the old ones). */
  open(): void;
  /** Ends every relayed connection, both ways. */
  cut(): void;
  /** Bytes swallowed while the gate was closed. */
  readonly swallowed: number;
}

/** Starts a relay to `target`. */
export function startTcpGate(target: string): TcpGate {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(":")),
    target.slice(target.lastIndexOf(":") + 1),
  ];
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections = new Set<Deno.Conn>();
  let closed = false;
  let swallowed = 0;
  const cutAll = () => {
    for (const c of connections) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    connections.clear();
  };
  const pump = async (from: Deno.Conn, to: Deno.Conn, gated: boolean) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        if (gated && closed) {
          swallowed += n;
          continue;
        }
        let written = 0;
        while (written < n) written += await to.write(buf.subarray(written, n));
      }
    } catch {
      // one side went away
    }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch {
        // already closed
      }
      connections.delete(c);
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      try {
        const server = await Deno.connect({ hostname: host, port: Number(port) });
        connections.add(client).add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch {
        client.close();
      }
    }
  })().catch(() => {});
  return {
    address: `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close: () => void (closed = true),
    open: () => void (closed = false),
    cut: cutAll,
    get swallowed() {
      return swallowed;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      cutAll();
      await accepting;
    },
  };
}
