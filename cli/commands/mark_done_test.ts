import assert from "node:assert/strict";
import { inTurn, runAgainst } from "../fake_hub.ts";

Deno.test("done marks a task done with the reason given", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["done", "Load_2026-11-23_ab", "--reason", "loaded by hand"],
    {
      "POST /api/tasks/Load_2026-11-23_ab/done": inTurn({
        taskId: "Load_2026-11-23_ab",
        state: "done",
        readied: 1,
      }),
    },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, { reason: "loaded by hand" });
  assert.equal(stdout, "Marked task Load_2026-11-23_ab done: its dependents may go on\n");
});

Deno.test("done without --reason is a usage error and asks the hub nothing", async () => {
  const { code, stderr, requests } = await runAgainst(["done", "Load_1"], {});
  assert.equal(code, 2);
  assert.match(stderr, /^error: Missing --reason for "done"/);
  assert.deepEqual(requests, []);
});
