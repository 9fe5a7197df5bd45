import assert from "node:assert/strict";
import {
  describeSelector,
  labelsSchema,
  matchesSelector,
  parsePinKey,
  pinKey,
  type Selector,
  selectorSchema,
} from "./selector.ts";

const euWorker = { region: "eu-west", zone: "b" };

Deno.test("matchesSelector() matches every worker with the empty selector", () => {
  assert.ok(matchesSelector({}, {}));
  assert.ok(matchesSelector(euWorker, {}));
});

Deno.test("matchesSelector() requires an exact value for a plain string requirement", () => {
  assert.ok(matchesSelector(euWorker, { region: "eu-west" }));
  assert.ok(!matchesSelector(euWorker, { region: "eu-central" }));
  assert.ok(!matchesSelector({}, { region: "eu-west" }));
  assert.ok(matchesSelector(euWorker, { region: "eu-west", zone: "b" }));
  assert.ok(!matchesSelector(euWorker, { region: "eu-west", zone: "c" }));
});

Deno.test("matchesSelector() with `in` needs the label present and listed", () => {
  const sel: Selector = { region: { in: ["eu-west", "eu-central"] } };
  assert.ok(matchesSelector(euWorker, sel));
  assert.ok(!matchesSelector({ region: "us-east" }, sel));
  assert.ok(!matchesSelector({}, sel));
});

Deno.test("matchesSelector() with `notIn` accepts a missing label and refuses listed values", () => {
  const sel: Selector = { region: { notIn: ["us-east"] } };
  assert.ok(matchesSelector(euWorker, sel));
  assert.ok(matchesSelector({}, sel));
  assert.ok(!matchesSelector({ region: "us-east" }, sel));
});

Deno.test("matchesSelector() with `exists` checks presence only", () => {
  assert.ok(matchesSelector({ gpu: "a100" }, { gpu: { exists: true } }));
  assert.ok(!matchesSelector({}, { gpu: { exists: true } }));
  assert.ok(matchesSelector({}, { gpu: { exists: false } }));
  assert.ok(!matchesSelector({ gpu: "a100" }, { gpu: { exists: false } }));
});

Deno.test("matchesSelector() does not see Object.prototype members as labels", () => {
  // "constructor" is a valid label name, and a worker without it must not match `exists: true`.
  const sel = selectorSchema.parse({ constructor: { exists: true } });
  assert.ok(!matchesSelector({}, sel));
  assert.ok(matchesSelector({}, selectorSchema.parse({ constructor: { exists: false } })));
});

Deno.test("pinKey() is the same for selectors written in any key order", () => {
  const a = pinKey({ zone: { in: ["b", "a"] }, region: "eu-west" });
  const b = pinKey({ region: "eu-west", zone: { in: ["b", "a"] } });
  assert.equal(a, b);
  assert.equal(a, '{"region":"eu-west","zone":{"in":["b","a"]}}');
});

Deno.test("pinKey() is empty for no selector and for the empty selector", () => {
  assert.equal(pinKey(undefined), "");
  assert.equal(pinKey({}), "");
});

Deno.test("parsePinKey() turns a pin key back into the same selector", () => {
  const sel: Selector = { region: "eu-west", gpu: { exists: false }, zone: { notIn: ["c"] } };
  assert.deepEqual(parsePinKey(pinKey(sel)), sel);
  assert.deepEqual(parsePinKey(""), {});
});

Deno.test("parsePinKey() rejects a stored key that is not a valid selector", () => {
  assert.throws(() => parsePinKey('{"Region":"x"}'));
  assert.throws(() => parsePinKey("{not json"), SyntaxError);
});

Deno.test("describeSelector() writes each requirement in human form", () => {
  assert.equal(
    describeSelector({
      region: "eu-west",
      zone: { in: ["a", "b"] },
      tier: { notIn: ["spot"] },
      gpu: { exists: true },
      arm: { exists: false },
    }),
    "region=eu-west, zone in (a,b), tier notin (spot), gpu, !arm",
  );
  assert.equal(describeSelector({}), "any worker");
});

Deno.test("selectorSchema accepts lowercase label names with dots, dashes and slashes", () => {
  const sel = { "topology.kubernetes.io/zone": "b", "my-label_2": { exists: true } };
  assert.deepEqual(selectorSchema.parse(sel), sel);
});

Deno.test("selectorSchema rejects bad label names", () => {
  for (const name of ["Region", "1zone", "", "has space", "_x", "x".repeat(64), "é"]) {
    const result = selectorSchema.safeParse({ [name]: "v" });
    assert.ok(!result.success, `label name ${JSON.stringify(name)} was accepted`);
  }
});

Deno.test("selectorSchema rejects empty lists, empty values and unknown requirement shapes", () => {
  for (
    const req of [
      "",
      { in: [] },
      { notIn: [] },
      { in: [""] },
      { exists: "yes" },
      { in: ["a"], extra: 1 },
      { equals: "a" },
      42,
    ]
  ) {
    const result = selectorSchema.safeParse({ region: req });
    assert.ok(!result.success, `requirement ${JSON.stringify(req)} was accepted`);
  }
});

Deno.test("labelsSchema accepts name=value labels and rejects bad names and empty values", () => {
  assert.deepEqual(labelsSchema.parse(euWorker), euWorker);
  assert.ok(!labelsSchema.safeParse({ Region: "x" }).success);
  assert.ok(!labelsSchema.safeParse({ region: "" }).success);
  assert.ok(!labelsSchema.safeParse({ region: { in: ["x"] } }).success);
});
