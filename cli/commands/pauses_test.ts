import assert from "node:assert/strict";
import { fakePause } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";
import { formatPauses } from "./pauses.ts";

Deno.test("pause puts a family or region pause with the reason; resume deletes it", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["pause", "region", "eu-west", "--reason", "upgrade"],
    {
      "PUT /api/pauses/region/eu-west": inTurn({ kind: "region", value: "eu-west", paused: true }),
    },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, { reason: "upgrade" });
  assert.equal(
    stdout,
    'Paused region eu-west: its workers get no new leases until "drover resume region eu-west"\n',
  );
  const resumed = await runAgainst(["resume", "family", "ExtractRaw"], {
    "DELETE /api/pauses/family/ExtractRaw": inTurn({
      kind: "family",
      value: "ExtractRaw",
      paused: false,
    }),
  });
  assert.equal(resumed.code, 0);
  assert.equal(resumed.stdout, "Resumed family ExtractRaw: leases flow again\n");
});

Deno.test("pauses lists the pauses in force; --json prints them", async () => {
  const pause = fakePause({ value: "ExtractRaw", reason: "source down", createdBy: "ops" });
  const routes = { "GET /api/pauses": inTurn({ pauses: [pause] }) };
  const { stdout } = await runAgainst(["pauses"], routes);
  assert.match(stdout, /^KIND +NAME +SINCE +BY +REASON$/m);
  assert.match(stdout, /^family +ExtractRaw +1970-01-01 00:00:00Z \(0s ago\) +ops +source down$/m);
  const json = await runAgainst(["pauses", "--json"], routes);
  assert.deepEqual(JSON.parse(json.stdout), { pauses: [pause] });
});

Deno.test("formatPauses() says when nothing is paused", () => {
  assert.equal(formatPauses([], 0), "Nothing is paused.");
});
