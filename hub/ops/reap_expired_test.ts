import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../db/check_invariants.ts";
import { claimTasks } from "./claim_tasks.ts";
import { reapExpired } from "./reap_expired.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

Deno.test("reapExpired() returns expired leases to ready and fails the last attempt", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "again", maxAttempts: 2 });
    await insertTask(tx, { id: "last", maxAttempts: 1 });
    await insertTask(tx, { id: "alive", maxAttempts: 2, createdAt: 5 });
  });
  await db.tx((tx) => claimTasks(tx, claim("dead", { now: 0, ttlMs: 100 })));
  await db.tx(async (tx) => {
    await tx.run(sql`UPDATE tasks SET lease_expires_at = 10000 WHERE id = 'alive'`);
  });
  const reaped = await db.tx((tx) => reapExpired(tx, 101));
  assert.deepEqual(reaped.map((r) => [r.id, r.state, r.owner]).sort(), [
    ["again", "ready", "dead"],
    ["last", "failed", "dead"],
  ], "each names the worker that held it");
  assert.equal((await db.tx((tx) => taskRow(tx, "alive"))).state, "leased");
  assert.deepEqual(await db.tx((tx) => reapExpired(tx, 101)), [], "a lease is reaped once");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});
