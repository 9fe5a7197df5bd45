import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { setPause } from "./set_pause.ts";
import { liftPause } from "./lift_pause.ts";
import { listPauses, pausedSets } from "../queries/pauses.ts";
import { renewLeases } from "./renew_leases.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";

const FG = [{ name: "F", version: 1 }, { name: "G", version: 1 }];
const claim = (extra: Partial<Parameters<typeof claimTasks>[1]> = {}) => ({
  workerId: "w",
  pins: [""],
  families: FG,
  limit: 10,
  now: 1_000,
  ttlMs: 500,
  ...extra,
});

Deno.test("pause() is idempotent, resume() says whether it lifted one, listPauses() shows newest first", async () => {
  await using db = await testDatabase();
  assert.equal(await db.tx((tx) => setPause(tx, "family", "F", "flaky", "tok_a", 100)), true);
  assert.equal(await db.tx((tx) => setPause(tx, "family", "F", "again", "tok_b", 150)), false);
  assert.equal(await db.tx((tx) => setPause(tx, "region", "eu-west", null, null, 200)), true);
  assert.deepEqual(await db.tx((tx) => listPauses(tx)), [
    { kind: "region", value: "eu-west", reason: null, createdBy: null, createdAt: 200 },
    { kind: "family", value: "F", reason: "flaky", createdBy: "tok_a", createdAt: 100 },
  ]);
  assert.deepEqual(await db.tx((tx) => pausedSets(tx)), {
    families: new Set(["F"]),
    regions: new Set(["eu-west"]),
  });
  assert.equal(await db.tx((tx) => liftPause(tx, "family", "F")), true);
  assert.equal(await db.tx((tx) => liftPause(tx, "family", "F")), false);
  assert.equal(await db.tx((tx) => liftPause(tx, "region", "F")), false, "kinds are separate");
  assert.deepEqual((await db.tx((tx) => pausedSets(tx))).families, new Set());
});

Deno.test("claimTasks() grants nothing of a paused family, every version, while other families are served", async () => {
  await using db = await testDatabase();
  const families = [...FG, { name: "F", version: 2 }];
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "f1", family: "F", createdAt: 1 });
    await insertTask(tx, { id: "f2", family: "F", createdAt: 2 });
    await tx.run(sql`UPDATE tasks SET version = 2 WHERE id = 'f2'`);
    await insertTask(tx, { id: "g1", family: "G" });
    await setPause(tx, "family", "F", "bad data", null, 0);
  });
  const got = await db.tx((tx) => claimTasks(tx, claim({ families })));
  assert.deepEqual(got.map((c) => c.id), ["g1"]);
  await db.tx((tx) => liftPause(tx, "family", "F"));
  const after = await db.tx((tx) => claimTasks(tx, claim({ families })));
  assert.deepEqual(after.map((c) => c.id), ["f1", "f2"], "resume() restores claims");
});

Deno.test("claimTasks() grants nothing to a worker in a paused region until it is resumed", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "a", createdAt: 1 });
    await insertTask(tx, { id: "b", createdAt: 2 });
    await setPause(tx, "region", "eu-west", "maintenance", null, 0);
  });
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim({ region: "eu-west" }))), []);
  const us = await db.tx((tx) => claimTasks(tx, claim({ region: "us-east", limit: 1 })));
  assert.deepEqual(us.map((c) => c.id), ["a"], "other regions are served");
  await db.tx((tx) => liftPause(tx, "region", "eu-west"));
  const eu = await db.tx((tx) => claimTasks(tx, claim({ region: "eu-west" })));
  assert.deepEqual(eu.map((c) => c.id), ["b"]);
});

Deno.test("pausing leaves leased tasks alone: they renew and complete", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", family: "F" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim({ region: "eu-west" })));
  const before = await db.tx((tx) => taskRow(tx, "t"));
  await db.tx(async (tx) => {
    await setPause(tx, "family", "F", null, null, 1_100);
    await setPause(tx, "region", "eu-west", null, null, 1_100);
  });
  assert.deepEqual(await db.tx((tx) => taskRow(tx, "t")), before);
  assert.deepEqual(
    await db.tx((tx) => renewLeases(tx, "w", [{ taskId: "t", epoch: lease!.epoch }], 1_200, 500)),
    [],
  );
  const done = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k", workerId: "w", now: 1_300 })
  );
  assert.equal(done.outcome, "accepted");
});
