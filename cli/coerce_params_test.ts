import assert from "node:assert/strict";
import { coerceParams } from "./coerce_params.ts";

/** The schema the hub serves for a family with one parameter of each kind. */
const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    totalShards: { type: "integer", minimum: 1, maximum: 100000 },
    ratio: { type: "number" },
    dryRun: { type: "boolean", default: false },
    tables: { type: "array", items: { type: "string" } },
    ids: { type: "array", items: { type: "integer" } },
    matrix: { type: "array", items: { type: "array", items: { type: "integer" } } },
    options: { type: "object", properties: { depth: { type: "integer" } } },
    label: { type: "string" },
    maybe: { anyOf: [{ type: "integer" }, { type: "null" }] },
    mode: { type: "string", enum: ["fast", "slow"] },
    anything: {},
  },
  required: ["totalShards"],
};

function coerce(...pairs: string[]): Record<string, unknown> {
  return coerceParams("Demo", SCHEMA, pairs);
}

Deno.test("coerceParams() turns integer and number parameters into numbers", () => {
  assert.deepEqual(coerce("totalShards=3", "ratio=0.25"), { totalShards: 3, ratio: 0.25 });
  assert.deepEqual(coerce("totalShards= 12 ", "ratio=-1e3"), { totalShards: 12, ratio: -1000 });
});

Deno.test("coerceParams() refuses a non-numeric integer, naming the parameter and the value", () => {
  assert.throws(() => coerce("totalShards=abc"), {
    name: "UsageError",
    message: 'Invalid parameter "totalShards" for Demo: expected an integer, got "abc"',
  });
  assert.throws(() => coerce("totalShards=1.5"), /"totalShards".*expected an integer, got "1.5"/);
  assert.throws(() => coerce("totalShards="), /"totalShards".*expected an integer, got ""/);
  assert.throws(() => coerce("totalShards=0x10"), /expected an integer, got "0x10"/);
  assert.throws(() => coerce("totalShards=1", "ratio=Infinity"), /"ratio".*expected a number/);
  assert.throws(
    () => coerce("totalShards=99999999999999999999"),
    /expected an integer, got "99999999999999999999" \(beyond the safe integer range\)/,
  );
});

Deno.test("coerceParams() reads booleans as true or false only", () => {
  assert.deepEqual(coerce("totalShards=1", "dryRun=true"), { totalShards: 1, dryRun: true });
  assert.deepEqual(coerce("totalShards=1", "dryRun=FALSE"), { totalShards: 1, dryRun: false });
  assert.throws(
    () => coerce("totalShards=1", "dryRun=yes"),
    /"dryRun" for Demo: expected true or false, got "yes"/,
  );
});

Deno.test("coerceParams() reads arrays as JSON, or as a comma-separated list of scalars", () => {
  assert.deepEqual(coerce("totalShards=1", 'tables=["a","b"]').tables, ["a", "b"]);
  assert.deepEqual(coerce("totalShards=1", "tables=orders, customers,events").tables, [
    "orders",
    "customers",
    "events",
  ]);
  assert.deepEqual(coerce("totalShards=1", "tables=").tables, []);
  assert.deepEqual(coerce("totalShards=1", "ids=1,2,3").ids, [1, 2, 3]);
  assert.deepEqual(coerce("totalShards=1", "matrix=[[1,2],[3]]").matrix, [[1, 2], [3]]);
  assert.throws(
    () => coerce("totalShards=1", "ids=1,x"),
    /"ids" for Demo: expected a JSON array or a comma-separated list of integers, got "1,x" \(item "x"\)/,
  );
  assert.throws(() => coerce("totalShards=1", "matrix=1,2"), /"matrix".*expected a JSON array,/);
  assert.throws(() => coerce("totalShards=1", "tables=[oops"), /"tables".*got "\[oops" \(/);
});

Deno.test("coerceParams() reads objects as JSON", () => {
  assert.deepEqual(coerce("totalShards=1", 'options={"depth":2}').options, { depth: 2 });
  assert.throws(
    () => coerce("totalShards=1", "options=depth=2"),
    /"options" for Demo: expected a JSON object, got "depth=2"/,
  );
});

Deno.test("coerceParams() passes strings through untouched, spaces and = included", () => {
  assert.deepEqual(coerce("totalShards=1", "label= a=b, c ").label, " a=b, c ");
  assert.deepEqual(coerce("totalShards=1", "mode=fast").mode, "fast");
  assert.equal(coerce("totalShards=1", "label=").label, "");
});

Deno.test("coerceParams() follows anyOf branches, null included", () => {
  assert.equal(coerce("totalShards=1", "maybe=null").maybe, null);
  assert.equal(coerce("totalShards=1", "maybe=7").maybe, 7);
  assert.throws(
    () => coerce("totalShards=1", "maybe=seven"),
    /"maybe" for Demo: expected null or an integer, got "seven"/,
  );
});

Deno.test("coerceParams() reads an untyped parameter as JSON when it parses, else as a string", () => {
  assert.deepEqual(coerce("totalShards=1", "anything=[1]").anything, [1]);
  assert.equal(coerce("totalShards=1", "anything=hello").anything, "hello");
});

Deno.test("coerceParams() refuses an unknown parameter, listing the known ones", () => {
  assert.throws(() => coerce("totalShards=1", "shards=2"), {
    name: "UsageError",
    message: 'Unknown parameter "shards" for Demo (known: totalShards, ratio, dryRun, tables, ' +
      "ids, matrix, options, label, maybe, mode, anything)",
  });
});

Deno.test("coerceParams() refuses a parameter given twice, even with the same value", () => {
  assert.throws(
    () => coerce("totalShards=1", "totalShards=1"),
    /Parameter "totalShards" is given twice \("1" and "1"\)/,
  );
});

Deno.test("coerceParams() refuses a pair without a name or an =", () => {
  assert.throws(
    () => coerce("totalShards"),
    /Invalid --param "totalShards": write it as NAME=VALUE/,
  );
  assert.throws(() => coerce("=3"), /Invalid --param "=3"/);
});

Deno.test("coerceParams() names the required parameters that are missing", () => {
  assert.throws(() => coerce(), /Missing parameter for Demo: --param totalShards=\.\.\./);
  const schema = { type: "object", properties: { a: {}, b: {} }, required: ["a", "b"] };
  assert.throws(
    () => coerceParams("Two", schema, []),
    /Missing parameters for Two: --param a=\.\.\. --param b=\.\.\./,
  );
});

Deno.test("coerceParams() keeps a parameter named __proto__ as an own property", () => {
  // Parsed from JSON, as the hub sends it: a literal would set the prototype instead.
  const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"integer"}}}');
  const params = coerceParams("Odd", schema, ["__proto__=1"]);
  assert.ok(Object.hasOwn(params, "__proto__"));
  assert.equal(JSON.stringify(params), '{"__proto__":1}');
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
});

Deno.test("coerceParams() accepts any name when the schema lists no properties", () => {
  assert.deepEqual(coerceParams("Free", { type: "object" }, ["n=2", "s=x"]), { n: 2, s: "x" });
});
