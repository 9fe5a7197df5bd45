/**
 * A private network of Linux network namespaces for tests: one namespace per
 * "host", each with one interface on a bridge that lives in a namespace of
 * its own (the switch), and an address of a random 10.x.y.0/24 that exists
 * only inside these namespaces. Nothing is configured in the caller's own
 * namespace. A host's link can be cut (its switch port set down) and
 * restored. Needs root and `ip` (iproute2).
 *
 * A process joins a host with `ip netns exec <ns> <program>`, which executes
 * the program in place: the PID the test holds is the program's.
 *
 * @module
 */

/** A test network; removed (namespaces and links) when disposed. */
export interface TestNetwork extends AsyncDisposable {
  /** The namespace of `host`. */
  ns(host: string): string;
  /** The address of `host` (no prefix length). */
  address(host: string): string;
  /** Sets `host`'s switch port down: every packet to or from it is lost. */
  cut(host: string): Promise<void>;
  /** Sets it up again. */
  restore(host: string): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

/** Whether namespaces can be made here (root, `ip` on the PATH). */
export async function canMakeNamespaces(): Promise<boolean> {
  try {
    return Deno.uid() === 0 &&
      (await new Deno.Command("ip", { args: ["-V"], stdout: "null", stderr: "null" }).output())
        .success;
  } catch {
    return false;
  }
}

/** Makes namespaces for `hosts` (short names: letters and digits) on one switch. */
export async function createTestNetwork(hosts: readonly string[]): Promise<TestNetwork> {
  const tag = crypto.randomUUID().replaceAll("-", "").slice(0, 6);
  const subnet = `10.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`;
  const sw = `drover-${tag}-sw`;
  const made: string[] = [];
  const nsOf = (host: string) => `drover-${tag}-${host}`;
  const port = (i: number) => `d${tag}p${i}`; // switch side; interface names: 15 bytes at most
  const index = (host: string) => {
    const i = hosts.indexOf(host);
    if (i < 0) throw new RangeError(`No host "${host}" in this network`);
    return i;
  };
  const remove = async () => {
    for (const ns of made.reverse()) await ip("netns", "del", ns).catch(() => {});
  };
  try {
    await ip("netns", "add", sw);
    made.push(sw);
    await ip("-n", sw, "link", "add", "br0", "type", "bridge");
    await ip("-n", sw, "link", "set", "br0", "up");
    for (const [i, host] of hosts.entries()) {
      if (!/^[a-z0-9]{1,8}$/.test(host)) throw new RangeError(`Host name "${host}" is not short`);
      const ns = nsOf(host);
      await ip("netns", "add", ns);
      made.push(ns);
      await ip("-n", ns, "link", "set", "lo", "up");
      // Both ends are made in the switch, then one moves to the host as eth0.
      await ip("-n", sw, "link", "add", port(i), "type", "veth", "peer", "name", `d${tag}h${i}`);
      await ip("-n", sw, "link", "set", `d${tag}h${i}`, "netns", ns);
      await ip("-n", ns, "link", "set", `d${tag}h${i}`, "name", "eth0");
      await ip("-n", ns, "addr", "add", `${subnet}.${10 + i}/24`, "dev", "eth0");
      await ip("-n", ns, "link", "set", "eth0", "up");
      await ip("-n", sw, "link", "set", port(i), "master", "br0");
      await ip("-n", sw, "link", "set", port(i), "up");
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    ns: (host) => nsOf(hosts[index(host)]!),
    address: (host) => `${subnet}.${10 + index(host)}`,
    cut: (host) => ip("-n", sw, "link", "set", port(index(host)), "down"),
    restore: (host) => ip("-n", sw, "link", "set", port(index(host)), "up"),
    [Symbol.asyncDispose]: remove,
  };
}
