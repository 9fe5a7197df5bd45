import assert from "node:assert/strict";
import { describeParams } from "./families.ts";

Deno.test("describeParams() lists each parameter with its type, optional ones marked", () => {
  assert.equal(
    describeParams({
      type: "object",
      properties: {
        runDate: { type: "string" },
        limit: { anyOf: [{ type: "integer" }, { type: "null" }] },
        extra: {},
      },
      required: ["runDate"],
    }),
    "runDate:string limit?:integer|null extra?",
  );
  assert.equal(describeParams({ type: "object", properties: {} }), "-");
});
