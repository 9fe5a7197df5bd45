/**
 * IP addresses and CIDR ranges (`10.0.0.0/8`, `192.168.1.7`, `fd00::/8`,
 * `::1`), for the trusted-proxy check. IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) match IPv4 ranges.
 */

/** A parsed range: its family, first address as a number, and prefix length. */
export interface AddressRange {
  v6: boolean;
  base: bigint;
  bits: number;
}

/** `text` as a range, or null when it is not an IP address or CIDR range. */
export function parseAddressRange(text: string): AddressRange | null {
  const [addr, prefix, ...rest] = text.trim().split("/");
  if (rest.length > 0 || !addr) return null;
  const ip = parseAddress(addr);
  if (!ip) return null;
  const max = ip.v6 ? 128 : 32;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return null;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return null;
  return { v6: ip.v6, base: ip.value & mask(bits, max), bits };
}

/** Whether `address` (a peer's IP) falls in any of `ranges`. */
export function inRanges(address: string, ranges: readonly AddressRange[]): boolean {
  const ip = parseAddress(address);
  if (!ip) return false;
  return ranges.some((r) => {
    const max = r.v6 ? 128 : 32;
    return r.v6 === ip.v6 && (ip.value & mask(r.bits, max)) === r.base;
  });
}

function mask(bits: number, max: number): bigint {
  const all = (1n << BigInt(max)) - 1n;
  return all ^ ((1n << BigInt(max - bits)) - 1n);
}

function parseAddress(text: string): { v6: boolean; value: bigint } | null {
  const t = text.replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(t);
  if (mapped) return parseV4(mapped[1]!);
  return t.includes(":") ? parseV6(t) : parseV4(t);
}

function parseV4(t: string): { v6: false; value: bigint } | null {
  const parts = t.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return { v6: false, value };
}

function parseV6(t: string): { v6: true; value: bigint } | null {
  const halves = t.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return { v6: true, value };
}
