import assert from "node:assert/strict";
import { inTurn, runAgainst } from "../fake_hub.ts";

Deno.test("resources lists the limits and use, a default limit marked", async () => {
  const { code, stdout } = await runAgainst(["resources"], {
    "GET /api/resources": inTurn({
      resources: [
        { name: "db", limit: 4, inUse: 2, configured: true },
        { name: "gpu", limit: 1000, inUse: 0, configured: false },
      ],
    }),
  });
  assert.equal(code, 0);
  assert.equal(
    stdout,
    "RESOURCE  IN USE  LIMIT\ndb        2       4\ngpu       0       1000 (default)\n",
  );
});

Deno.test("resources set NAME LIMIT puts the limit", async () => {
  const { code, stdout, requests } = await runAgainst(["resources", "set", "db", "8"], {
    "PUT /api/resources/db": inTurn({ name: "db", limit: 8 }),
  });
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, { limit: 8 });
  assert.equal(stdout, "Resource db: limit set to 8\n");
});
