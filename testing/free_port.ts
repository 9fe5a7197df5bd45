/**
 * A free TCP port on 127.0.0.1 for a hub that must come back on the same
 * address after a restart. It is taken below the ephemeral range: while a
 * killed hub is down, an outgoing connection (ours or another test's) could
 * otherwise be given its port.
 */
export function freePort(): number {
  let below = 32_768;
  try {
    const range = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range");
    below = Number(range.trim().split(/\s+/)[0]) || below;
  } catch {
    // not Linux: the usual range starts at 49152 or 32768
  }
  for (let tries = 0; tries < 100 && below > 11_000; tries++) {
    const port = 10_000 + Math.floor(Math.random() * (below - 10_000));
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // taken: try another
    }
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}
