import assert from "node:assert/strict";
import { inRanges, parseAddressRange } from "./address_range.ts";

const ranges = (...texts: string[]) => texts.map((t) => parseAddressRange(t)!);

Deno.test("parseAddressRange() reads addresses and CIDR ranges, and refuses anything else", () => {
  assert.deepEqual(parseAddressRange("10.1.2.3/8"), { v6: false, base: 10n << 24n, bits: 8 });
  assert.equal(parseAddressRange("127.0.0.1")?.bits, 32);
  assert.equal(parseAddressRange("fd00::/8")?.bits, 8);
  assert.equal(parseAddressRange("::1")?.base, 1n);
  for (
    const bad of ["", "10.0.0.256", "10.0.0.0/33", "proxy.local", "1::2::3", "::/129", "1.2.3"]
  ) {
    assert.equal(parseAddressRange(bad), null, bad);
  }
});

Deno.test("inRanges() matches a peer inside a range only, IPv4-mapped IPv6 included", () => {
  const trusted = ranges("10.0.0.0/8", "192.168.1.7", "fd00::/8");
  assert.ok(inRanges("10.200.3.4", trusted));
  assert.ok(inRanges("::ffff:10.0.0.1", trusted));
  assert.ok(inRanges("192.168.1.7", trusted));
  assert.ok(inRanges("fd12::1", trusted));
  assert.ok(!inRanges("192.168.1.8", trusted));
  assert.ok(!inRanges("11.0.0.1", trusted));
  assert.ok(!inRanges("fe80::1", trusted));
  assert.ok(!inRanges("not an address", trusted));
});
