import assert from "node:assert/strict";
import { toJsonSafe } from "./json_safe.ts";

Deno.test("toJsonSafe() keeps plain JSON as it is", () => {
  const value = { a: 1, b: "x", c: [true, null, { d: 2.5 }], e: {} };
  assert.deepEqual(toJsonSafe(value), value);
});

Deno.test("toJsonSafe() turns what JSON.stringify throws on into strings", () => {
  const cyclic: Record<string, unknown> = { big: 12345678901234567890n };
  cyclic.self = cyclic;
  cyclic.list = [cyclic];
  const out = toJsonSafe(cyclic);
  assert.deepEqual(out, {
    big: "12345678901234567890",
    self: "[Circular]",
    list: ["[Circular]"],
  });
  assert.doesNotThrow(() => JSON.stringify(out));
});

Deno.test("toJsonSafe() writes a value seen twice (not a cycle) both times", () => {
  const shared = { x: 1 };
  assert.deepEqual(toJsonSafe({ a: shared, b: shared }), { a: { x: 1 }, b: { x: 1 } });
});

Deno.test("toJsonSafe() reads errors, dates, maps, sets, bytes and odd numbers", () => {
  const out = toJsonSafe({
    error: new TypeError("bad"),
    date: new Date(Date.UTC(2026, 10, 23)),
    invalid: new Date(NaN),
    map: new Map<unknown, unknown>([["k", 1], [2, new Set([3])]]),
    bytes: new Uint8Array(4),
    nan: NaN,
    inf: -Infinity,
    sym: Symbol("s"),
    fn: () => 1,
    undef: undefined,
    holes: [undefined, () => 1],
  });
  assert.deepEqual(out, {
    error: { name: "TypeError", message: "bad" },
    date: "2026-11-23T00:00:00.000Z",
    invalid: "Invalid Date",
    map: { k: 1, 2: [3] },
    bytes: "[Uint8Array of 4 bytes]",
    nan: "NaN",
    inf: "-Infinity",
    sym: "Symbol(s)",
    holes: [null, null],
  });
});

Deno.test("toJsonSafe() survives getters and toJSON that throw, and deep nesting", () => {
  const hostile = {
    get boom(): never {
      throw new Error("no");
    },
    toJSONHolder: {
      toJSON() {
        throw new Error("no either");
      },
    },
    proxy: new Proxy({}, {
      ownKeys() {
        throw new Error("nope");
      },
    }),
  };
  assert.deepEqual(toJsonSafe(hostile), {
    boom: "[unreadable]",
    toJSONHolder: "[unreadable]",
    proxy: "[unreadable]",
  });
  let deep: unknown = "bottom";
  for (let i = 0; i < 20; i++) deep = { deep };
  assert.match(JSON.stringify(toJsonSafe(deep)), /"\[Object\]"/);
});
