import assert from "node:assert/strict";
import { inputForField, readParam, readPlacement } from "./param_values.ts";

Deno.test("readParam() types each input's text by its kind, and leaves empty ones out", () => {
  assert.deepEqual(readParam("date", "2026-11-23"), { value: "2026-11-23" });
  assert.deepEqual(readParam("date", "  "), { absent: true });
  assert.deepEqual(readParam("integer", "4"), { value: 4 });
  assert.deepEqual(readParam("integer", "4.5"), { error: '"4.5" is not a whole number' });
  assert.deepEqual(readParam("number", "0.25"), { value: 0.25 });
  assert.deepEqual(readParam("boolean", "", undefined, true), { value: true });
  assert.deepEqual(readParam("datetime", "2026-11-23T10:05"), { value: "2026-11-23T10:05:00Z" });
  assert.deepEqual(readParam("lines", "orders\n\n events \n"), { value: ["orders", "events"] });
  assert.deepEqual(readParam("lines", "1\n2", "integer"), { value: [1, 2] });
  assert.deepEqual(readParam("json", '{"k":1}'), { value: { k: 1 } });
  assert.match(String((readParam("json", "{k") as { error: string }).error), /^Not JSON/);
});

Deno.test("readPlacement() makes a pin or a preference of label=value rows", () => {
  assert.deepEqual(readPlacement("default", "region=x", ""), {});
  assert.deepEqual(readPlacement("pin", "region=eu-west\ntier = gold", ""), {
    pin: { region: "eu-west", tier: "gold" },
  });
  assert.deepEqual(readPlacement("prefer", "region=eu-west, region=us-east", "30"), {
    prefer: { label: "region", values: ["eu-west", "us-east"], spillAfterMs: 30_000 },
  });
  assert.equal(
    (readPlacement("prefer", "region=a\nzone=b", "3") as { field: string }).field,
    "placement.rows",
  );
  assert.equal(
    (readPlacement("prefer", "region=a", "") as { field: string }).field,
    "prefer.spillAfterMs",
  );
  assert.equal((readPlacement("pin", "nonsense", "") as { field: string }).field, "placement.rows");
});

Deno.test("inputForField() finds the input a problem's field path names", () => {
  const names = [
    "params.runDate",
    "params.extra",
    "priority",
    "placement.rows",
    "prefer.spillAfterMs",
  ];
  assert.equal(inputForField("params.runDate", names), "params.runDate");
  assert.equal(inputForField("params.extra.k", names), "params.extra");
  assert.equal(inputForField("priority", names), "priority");
  assert.equal(inputForField("pin.region", names), "placement.rows");
  assert.equal(inputForField("prefer.values", names), "placement.rows");
  assert.equal(inputForField("prefer.spillAfterMs", names), "prefer.spillAfterMs");
  assert.equal(inputForField("family", names), null);
});
