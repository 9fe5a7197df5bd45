import assert from "node:assert/strict";
import { inTurn, problem, runAgainst } from "../fake_hub.ts";

Deno.test("drain sends the worker's name to the hub, which finds it, and says what follows", async () => {
  const { code, stdout, requests } = await runAgainst(["drain", "edge 1"], {
    "POST /api/workers/edge%201/drain": inTurn({ workerId: "w_1", cordoned: true, draining: true }),
  });
  assert.equal(code, 0);
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), [
    "POST /api/workers/edge%201/drain",
  ]);
  assert.equal(
    stdout,
    "Worker w_1 draining: no new leases; it disconnects for good once its running tasks finish\n",
  );
});

Deno.test("cordon --json prints the worker's new mode", async () => {
  const { stdout } = await runAgainst(["cordon", "w_1", "--json"], {
    "POST /api/workers/w_1/cordon": inTurn({ workerId: "w_1", cordoned: true, draining: false }),
  });
  assert.deepEqual(JSON.parse(stdout), { workerId: "w_1", cordoned: true, draining: false });
});

Deno.test("uncordon of a name no worker has, or several share, is a usage error (exit 2)", async () => {
  const unknown = await runAgainst(["uncordon", "edge-9"], {
    "POST /api/workers/edge-9/uncordon": () =>
      problem(404, "worker_not_found", 'No worker has the id or name "edge-9"'),
  });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error: No worker is named "edge-9" \(see drover workers\)\n/);
  const shared = await runAgainst(["uncordon", "edge"], {
    "POST /api/workers/edge/uncordon": () =>
      problem(409, "worker_ambiguous", '2 workers are named "edge": give an id (w_1, w_2)'),
  });
  assert.equal(shared.code, 2);
  assert.match(shared.stderr, /^error: 2 workers are named "edge": give an id \(w_1, w_2\)\n/);
});
