import assert from "node:assert/strict";
import { z } from "zod";
import { chooseDateParam, dateParams } from "./date_param.ts";

const schemaOf = (shape: z.ZodRawShape) =>
  z.toJSONSchema(z.object(shape)) as Record<string, unknown>;

Deno.test("dateParams() finds the top-level parameters zod declares as ISO dates", () => {
  assert.deepEqual(dateParams(schemaOf({ runDate: z.iso.date(), table: z.string() })), [
    "runDate",
  ]);
  assert.deepEqual(
    dateParams(schemaOf({ a: z.iso.date(), b: z.iso.date().default("2026-01-01") })),
    [
      "a",
      "b",
    ],
  );
  assert.deepEqual(dateParams(schemaOf({ at: z.iso.datetime(), n: z.int() })), []);
  assert.deepEqual(dateParams({ type: "object" }), []);
});

Deno.test("chooseDateParam() picks the only date parameter when none is given", () => {
  const schema = schemaOf({ runDate: z.iso.date(), table: z.string() });
  assert.equal(chooseDateParam("TransformTable", schema, undefined), "runDate");
});

Deno.test("chooseDateParam() takes the given parameter when the family has it", () => {
  const schema = schemaOf({ day: z.string(), from: z.iso.date(), to: z.iso.date() });
  assert.equal(chooseDateParam("Copy", schema, "day"), "day");
  assert.equal(chooseDateParam("Copy", schema, "to"), "to");
  assert.throws(
    () => chooseDateParam("Copy", schema, "runDate"),
    new TypeError('Unknown parameter "runDate" for Copy (known: day, from, to)'),
  );
});

Deno.test("chooseDateParam() asks for param when there is no date parameter or several", () => {
  assert.throws(
    () => chooseDateParam("Shards", schemaOf({ n: z.int() }), undefined),
    new TypeError(
      'Task family Shards has no parameter with "format": "date"; give param to name the one ' +
        "to backfill over",
    ),
  );
  assert.throws(
    () => chooseDateParam("Copy", schemaOf({ from: z.iso.date(), to: z.iso.date() }), undefined),
    new TypeError(
      "Task family Copy has several date parameters (from, to); give param to choose one",
    ),
  );
});
