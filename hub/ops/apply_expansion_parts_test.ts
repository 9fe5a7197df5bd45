import assert from "node:assert/strict";
import { checkInvariants } from "../db/check_invariants.ts";
import { applyExpansion, type Expansion } from "./apply_expansion.ts";
import { claimTasks } from "./claim_tasks.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";
import { submitRoot, taskRow, testDatabase } from "./test_db.ts";
import { claim, families, node } from "./test_ops.ts";

const lookup = (name: string) => name === "W" ? { ...UNKNOWN_FAMILY, hasRun: false } : families();

async function leasedRoot(db: Awaited<ReturnType<typeof testDatabase>>) {
  await db.tx((tx) => submitRoot(tx, "root", "W"));
  const [lease] = await db.tx((tx) =>
    claimTasks(tx, claim("w", { families: [{ name: "W", version: 1 }] }))
  );
  return (part: Partial<Expansion>) =>
    db.tx((tx) =>
      applyExpansion(tx, {
        taskId: "root",
        epoch: lease!.epoch,
        workerId: "w",
        now: 1_000,
        families: lookup,
        nodes: [],
        ...part,
      })
    );
}

Deno.test("a big expansion in parts: each part's tasks are ready at once, the root waits for the last", async () => {
  await using db = await testDatabase();
  const apply = await leasedRoot(db);
  const leaves = ["l1", "l2", "l3", "l4", "l5"];
  const first = await apply({ nodes: leaves.slice(0, 3).map((l) => node(l)), more: true });
  assert.deepEqual([first.outcome, first.inserted, first.readied], ["accepted", 3, 3]);
  assert.equal((await db.tx((tx) => taskRow(tx, "l1"))).state, "ready");
  const root = await db.tx((tx) => taskRow(tx, "root"));
  assert.equal(root.state, "leased", "the root stays leased until the last part");
  await db.tx(async (tx) => assert.deepEqual(await checkInvariants(tx), []));

  // The last part names requirements sent in the first.
  const last = await apply({
    nodes: [...leaves.slice(3).map((l) => node(l)), node("root", leaves, { family: "W" })],
  });
  assert.deepEqual([last.outcome, last.inserted, last.readied], ["accepted", 2, 2]);
  const after = await db.tx((tx) => taskRow(tx, "root"));
  assert.equal(after.state, "waiting");
  assert.equal(after.pending_deps, 5);
  await db.tx(async (tx) => assert.deepEqual(await checkInvariants(tx), []));

  const again = await apply({ nodes: [node("l9")], more: true });
  assert.equal(again.outcome, "stale", "a part after the last finds the lease gone");
});

Deno.test("a part naming a requirement sent nowhere is refused, and changes nothing", async () => {
  await using db = await testDatabase();
  const apply = await leasedRoot(db);
  const r = await apply({ nodes: [node("a", ["ghost"])], more: true });
  assert.equal(r.outcome, "stale");
  assert.match(r.message, /names requirement "ghost" of "a" without a node for it/);
  await assert.rejects(db.tx((tx) => taskRow(tx, "a")));
  assert.equal((await db.tx((tx) => taskRow(tx, "root"))).state, "leased");
});
