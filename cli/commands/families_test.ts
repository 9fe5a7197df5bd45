import assert from "node:assert/strict";
import { describeParams } from "./families.ts";
import { fakeFamily } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";

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

Deno.test("drover families marks a family whose connected workers run different code, and says why", async () => {
  const message =
    'Task family Agg version 1 runs different code on connected workers "a" (1111), ' +
    '"b" (2222): each task of it goes to any of them. Give the families different names, …';
  const { code, stdout } = await runAgainst(["families"], {
    "GET /api/families": inTurn({
      families: [
        fakeFamily({
          codeConflict: {
            message,
            workers: [
              { workerId: "w_a", name: "a", fingerprint: "1111" },
              { workerId: "w_b", name: "b", fingerprint: "2222" },
            ],
          },
        }),
        fakeFamily({ name: "Quiet" }),
      ],
    }),
  });
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split("\n");
  assert.match(lines[1]!, /^Agg \(CONFLICT\)\s+1 /);
  assert.match(lines[2]!, /^Quiet\s+1 /);
  assert.deepEqual(lines.slice(3), ["", `CONFLICT: ${message}`]);
});
