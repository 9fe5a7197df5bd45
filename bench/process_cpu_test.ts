import assert from "node:assert/strict";
import { parseProcStatCpuSeconds } from "./process_cpu.ts";

const LINE = "4242 (deno) S 1 4242 4242 0 -1 4194560 12345 0 0 0 250 75 0 0 20 0 9 0 " +
  "100 1000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

Deno.test("parseProcStatCpuSeconds() adds user and system ticks as seconds", () => {
  assert.equal(parseProcStatCpuSeconds(LINE), 3.25);
  assert.equal(parseProcStatCpuSeconds(LINE, 1000), 0.325);
});

Deno.test("parseProcStatCpuSeconds() counts fields after a name holding spaces and parentheses", () => {
  assert.equal(parseProcStatCpuSeconds(LINE.replace("(deno)", "(my (odd) name)")), 3.25);
});

Deno.test("parseProcStatCpuSeconds() refuses text without the fields", () => {
  assert.throws(() => parseProcStatCpuSeconds("hello"), TypeError);
  assert.throws(() => parseProcStatCpuSeconds("1 (x) S 1 2"), /Not a \/proc/);
});
