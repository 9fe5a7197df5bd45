import assert from "node:assert/strict";
import { z } from "zod";
import { paramFields } from "./param_fields.ts";

const schema = z.toJSONSchema(
  z.object({
    runDate: z.iso.date().describe("The day to extract"),
    at: z.iso.datetime().optional(),
    shards: z.int().min(1).max(64).default(4),
    ratio: z.number().min(0).max(1).optional(),
    mode: z.enum(["full", "delta"]),
    dryRun: z.boolean().default(true),
    tables: z.array(z.string()).default(["orders", "events"]),
    weights: z.array(z.int()),
    extra: z.object({ k: z.string() }).optional(),
    owner: z.string().min(2).max(20),
  }),
  { io: "input" },
);

Deno.test("paramFields() gives every parameter the input its JSON Schema type calls for", () => {
  const fields = Object.fromEntries(paramFields(schema).map((f) => [f.name, f]));
  assert.deepEqual(Object.keys(fields), [
    "runDate",
    "at",
    "shards",
    "ratio",
    "mode",
    "dryRun",
    "tables",
    "weights",
    "extra",
    "owner",
  ]);
  assert.equal(fields.runDate!.kind, "date");
  assert.equal(fields.runDate!.required, true);
  assert.equal(fields.runDate!.description, "The day to extract");
  assert.equal(fields.at!.kind, "datetime");
  assert.equal(fields.at!.required, false);
  assert.deepEqual(
    [fields.shards!.kind, fields.shards!.min, fields.shards!.max, fields.shards!.step],
    ["integer", 1, 64, "1"],
  );
  assert.equal(fields.shards!.initial, "4");
  assert.equal(fields.shards!.required, false, "a default makes it optional");
  assert.deepEqual([fields.ratio!.kind, fields.ratio!.step], ["number", "any"]);
  assert.deepEqual(fields.mode!.options, ["full", "delta"]);
  assert.equal(fields.dryRun!.kind, "boolean");
  assert.equal(fields.dryRun!.checked, true);
  assert.deepEqual([fields.tables!.kind, fields.tables!.item], ["lines", "text"]);
  assert.equal(fields.tables!.initial, "orders\nevents");
  assert.deepEqual([fields.weights!.kind, fields.weights!.item], ["lines", "integer"]);
  assert.equal(fields.extra!.kind, "json");
  assert.equal(fields.owner!.kind, "text");
  assert.equal(fields.owner!.hint, "2–20 characters");
});

Deno.test("paramFields() reads nothing from a schema that is not an object's", () => {
  assert.deepEqual(paramFields(null), []);
  assert.deepEqual(paramFields({ type: "object" }), []);
  const [odd] = paramFields({ properties: { x: { anyOf: [{ type: "string" }] } } });
  assert.equal(odd!.kind, "json");
});
