import assert from "node:assert/strict";
import { fakeWorker } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";

Deno.test("workers lists each worker's state, leases, labels and when it was last seen", async () => {
  // The fake hub's clock reads 0.
  const workers = [
    fakeWorker({ labels: { region: "eu-west", gpu: "a100" }, leases: 2, lastSeenAt: -3_000 }),
    fakeWorker({ id: "w_2", name: "edge-2", draining: true, cordoned: true }),
    fakeWorker({
      id: "w_3",
      name: "edge-3",
      state: "disconnected",
      cordoned: true,
      lastSeenAt: -7_200_000,
    }),
  ];
  const { code, stdout } = await runAgainst(["workers"], {
    "GET /api/workers": inTurn({ workers }),
  });
  assert.equal(code, 0);
  assert.deepEqual(stdout.trimEnd().split("\n").map((line) => line.split(/ {2,}/)), [
    ["NAME", "ID", "STATE", "LEASES", "SLOTS", "LABELS", "VERSION", "LAST SEEN"],
    ["edge-1", "w_1", "connected", "2", "4", "region=eu-west,gpu=a100", "1.0.0", "3s ago"],
    ["edge-2", "w_2", "connected, draining", "0", "4", "-", "1.0.0", "0s ago"],
    ["edge-3", "w_3", "disconnected, cordoned", "0", "4", "-", "1.0.0", "2h ago"],
  ]);
});

Deno.test("workers says when no worker has connected yet", async () => {
  const { stdout } = await runAgainst(["workers"], {
    "GET /api/workers": inTurn({ workers: [] }),
  });
  assert.equal(stdout, "No worker has connected yet.\n");
});

Deno.test("workers measures LAST SEEN on the hub's clock, as its Date header tells it", async () => {
  const seen = Date.UTC(2026, 10, 23, 12);
  const { stdout } = await runAgainst(["workers"], {
    // The CLI's fake clock reads 0; the hub's reads 12:00:42 when it answers.
    "GET /api/workers": () => {
      const answer = Response.json({ workers: [fakeWorker({ lastSeenAt: seen })] });
      answer.headers.set("date", new Date(seen + 42_000).toUTCString());
      return answer;
    },
  });
  assert.match(stdout, / 44s ago\n$/, "a Date of 12:00:42 may lag up to 3 s: 43.5 s, rounded");
});
