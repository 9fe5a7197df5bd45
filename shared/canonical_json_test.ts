import assert from "node:assert/strict";
import { canonicalJson } from "./canonical_json.ts";

Deno.test("canonicalJson() sorts object keys at every depth", () => {
  const a = { b: 1, a: { z: [1, { y: 2, x: 3 }], c: null } };
  const b = { a: { c: null, z: [1, { x: 3, y: 2 }] }, b: 1 };
  assert.equal(canonicalJson(a), '{"a":{"c":null,"z":[1,{"x":3,"y":2}]},"b":1}');
  assert.equal(canonicalJson(a), canonicalJson(b));
});

Deno.test("canonicalJson() keeps array order, since order in an array is data", () => {
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  assert.equal(canonicalJson([3, 1, 2]), "[3,1,2]");
});

Deno.test("canonicalJson() gives the same text as JSON.stringify for sorted plain JSON", () => {
  const value = { a: 'x"y\n', b: [true, false, null, 0, -1.5, 1e21], c: {}, d: [] };
  assert.equal(canonicalJson(value), JSON.stringify(value));
  assert.deepEqual(JSON.parse(canonicalJson(value)), value);
});

Deno.test("canonicalJson() drops object properties whose value is undefined", () => {
  assert.equal(canonicalJson({ a: 1, b: undefined }), canonicalJson({ a: 1 }));
});

Deno.test("canonicalJson() accepts objects without a prototype", () => {
  const bare = Object.assign(Object.create(null), { b: 2, a: 1 });
  assert.equal(canonicalJson(bare), '{"a":1,"b":2}');
});

Deno.test("canonicalJson() serialises scalars at the top level", () => {
  assert.equal(canonicalJson("x"), '"x"');
  assert.equal(canonicalJson(42), "42");
  assert.equal(canonicalJson(false), "false");
  assert.equal(canonicalJson(null), "null");
});

Deno.test("canonicalJson() rejects NaN and Infinity with a TypeError naming the path", () => {
  assert.throws(() => canonicalJson({ a: { b: NaN } }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /NaN/);
    assert.match(e.message, /\$\.a\.b/);
    return true;
  });
  assert.throws(() => canonicalJson({ list: [1, Infinity] }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /\$\.list\[1\]/);
    return true;
  });
  assert.throws(() => canonicalJson(-Infinity), TypeError);
});

Deno.test("canonicalJson() rejects class instances with a TypeError naming the class and path", () => {
  class Point {
    x = 1;
  }
  assert.throws(() => canonicalJson({ at: [0, { when: new Date(0) }] }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /Date/);
    assert.match(e.message, /\$\.at\[1\]\.when/);
    return true;
  });
  assert.throws(() => canonicalJson({ p: new Point() }), /Point at \$\.p/);
  assert.throws(() => canonicalJson({ m: new Map() }), TypeError);
});

Deno.test("canonicalJson() rejects bigints, functions and symbols with a TypeError naming the path", () => {
  assert.throws(() => canonicalJson({ n: 1n }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /bigint at \$\.n/);
    return true;
  });
  assert.throws(() => canonicalJson({ f: () => 1 }), /function at \$\.f/);
  assert.throws(() => canonicalJson([Symbol("s")]), /symbol at \$\[0\]/);
});

Deno.test("canonicalJson() rejects undefined inside an array with a TypeError naming the index", () => {
  assert.throws(() => canonicalJson({ xs: [1, undefined] }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /\$\.xs\[1\]/);
    return true;
  });
  assert.throws(() => canonicalJson(undefined), TypeError);
});

Deno.test("canonicalJson() rejects a hole in an array like undefined, never returning invalid JSON", () => {
  // deno-lint-ignore no-sparse-arrays
  const sparse = [, 1];
  assert.throws(() => canonicalJson({ xs: sparse }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /\$\.xs\[0\]/);
    return true;
  });
});
