import assert from "node:assert/strict";
import { inTurn, runAgainst } from "../fake_hub.ts";

Deno.test("cancel of a run_ id cancels the run's unfinished tasks, with the reason", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["cancel", "run_1", "--reason", "wrong day"],
    { "POST /api/runs/run_1/cancel": inTurn({ runId: "run_1", cancelled: 7 }) },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, { reason: "wrong day" });
  assert.equal(stdout, "Cancelled run run_1: 7 unfinished tasks cancelled\n");
});

Deno.test("cancel of a task id cancels that task; --json prints the answer", async () => {
  const { code, stdout, requests } = await runAgainst(["cancel", "Shard_3", "--json"], {
    "POST /api/tasks/Shard_3/cancel": inTurn({ taskId: "Shard_3", state: "cancelled" }),
  });
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, {});
  assert.deepEqual(JSON.parse(stdout), { taskId: "Shard_3", state: "cancelled" });
});

Deno.test("cancel of a finished run says there was nothing to cancel", async () => {
  const { stdout } = await runAgainst(["cancel", "run_1"], {
    "POST /api/runs/run_1/cancel": inTurn({ runId: "run_1", cancelled: 0 }),
  });
  assert.equal(stdout, "Nothing to cancel in run run_1: every task of it has finished\n");
});
