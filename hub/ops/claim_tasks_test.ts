import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { claimTasks, claimTasksForMany } from "./claim_tasks.ts";
import { insertTask, taskRow, testDatabase } from "./test_db.ts";
import { claim } from "./test_ops.ts";

Deno.test("claimTasks() never leases a task whose pin does not match the worker", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "eu", pin: '{"region":"eu-west"}' });
    await insertTask(tx, { id: "any" });
  });
  const usEast = await db.tx((tx) => claimTasks(tx, claim("w-us", { pins: [""] })));
  assert.deepEqual(usEast.map((c) => c.id), ["any"]);
  const euWest = await db.tx((tx) =>
    claimTasks(tx, claim("w-eu", { pins: ["", '{"region":"eu-west"}'] }))
  );
  assert.deepEqual(euWest.map((c) => c.id), ["eu"]);
});

Deno.test("claimTasks() only leases families the worker runs", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "g", family: "G" }));
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim("w"))), []);
  const got = await db.tx((tx) =>
    claimTasks(tx, claim("w", { families: [{ name: "G", version: 1 }] }))
  );
  assert.deepEqual(got.map((c) => c.id), ["g"]);
});

Deno.test("claimTasks() leases by priority, then age, up to the limit, and never twice", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "old-low", priority: 0, createdAt: 1 });
    await insertTask(tx, { id: "new-high", priority: 5, createdAt: 9 });
    await insertTask(tx, { id: "mid-low", priority: 0, createdAt: 5 });
  });
  const first = await db.tx((tx) => claimTasks(tx, claim("a", { limit: 2 })));
  assert.deepEqual(first.map((c) => c.id), ["new-high", "old-low"]);
  const second = await db.tx((tx) => claimTasks(tx, claim("b", { limit: 5 })));
  assert.deepEqual(second.map((c) => c.id), ["mid-low"]);
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim("c"))), []);
});

Deno.test("claimTasks() bumps the epoch on every grant and counts run attempts only", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "e", kind: "expand" });
    await insertTask(tx, { id: "r", kind: "run" });
  });
  const got = await db.tx((tx) => claimTasks(tx, claim("w")));
  const byId = Object.fromEntries(got.map((c) => [c.id, c]));
  assert.equal(byId.e!.epoch, 1);
  assert.equal(byId.e!.attempt, 0);
  assert.equal(byId.r!.epoch, 1);
  assert.equal(byId.r!.attempt, 1);
  const row = await db.tx((tx) => taskRow(tx, "r"));
  assert.equal(row.state, "leased");
  assert.equal(row.lease_owner, "w");
  assert.equal(row.lease_expires_at, 1_500);
});

Deno.test("claimTasks() leaves a task in retry backoff alone until its time", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "later" });
    await tx.run(sql`UPDATE tasks SET next_attempt_at = 2000 WHERE id = 'later'`);
  });
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim("w", { now: 1_999 }))), []);
  assert.equal((await db.tx((tx) => claimTasks(tx, claim("w", { now: 2_000 })))).length, 1);
});

Deno.test("claimTasks() says since when each task was claimable: ready, or past its backoff", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "new", createdAt: 100 });
    await insertTask(tx, { id: "readied", createdAt: 100 });
    await insertTask(tx, { id: "backoff", createdAt: 100 });
    await tx.run(sql`UPDATE tasks SET ready_at = 300 WHERE id = 'readied'`);
    await tx.run(sql`UPDATE tasks SET ready_at = 300, next_attempt_at = 700 WHERE id = 'backoff'`);
  });
  const claimed = await db.tx((tx) => claimTasks(tx, claim("w", { limit: 3 })));
  assert.deepEqual(
    Object.fromEntries(claimed.map((c) => [c.id, c.queuedAt])),
    { new: 100, readied: 300, backoff: 700 },
  );
});

Deno.test("claimTasksForMany() serves several workers in one round, each task once, each within its limit", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (let i = 0; i < 6; i++) await insertTask(tx, { id: `any-${i}`, createdAt: i });
    await insertTask(tx, { id: "eu", pin: '{"region":"eu-west"}', priority: 9 });
  });
  const takers = [
    claim("w-us", { pins: [""], limit: 2 }),
    claim("w-eu", { pins: ["", '{"region":"eu-west"}'], limit: 3 }),
    claim("w-us2", { pins: [""], limit: 2 }),
  ];
  const got = await db.tx((tx) => claimTasksForMany(tx, { now: 1_000, ttlMs: 500, takers }));
  // Workers asking the same share their candidates in claim order; others read their own.
  assert.deepEqual(got.map((g) => g.map((c) => c.id)), [
    ["any-0", "any-1"],
    ["eu", "any-4", "any-5"],
    ["any-2", "any-3"],
  ]);
  const all = got.flat().map((c) => c.id);
  assert.equal(new Set(all).size, all.length, "no task leased twice");
  const owners = await db.tx((tx) =>
    tx.all<{ id: string; lease_owner: string }>(
      sql`SELECT id, lease_owner FROM tasks WHERE state = 'leased' ORDER BY id`,
    )
  );
  const ownerOf = Object.fromEntries(owners.map((o) => [o.id, o.lease_owner]));
  got.forEach((g, i) => {
    for (const c of g) assert.equal(ownerOf[c.id], takers[i]!.workerId);
  });
  const attempts = await db.tx((tx) =>
    tx.all<{ task_id: string; worker_id: string }>(sql`SELECT task_id, worker_id FROM attempts`)
  );
  assert.equal(attempts.length, all.length);
  for (const a of attempts) assert.equal(a.worker_id, ownerOf[a.task_id]);
});

Deno.test("claimTasksForMany() keeps the round within resource limits across workers", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (let i = 0; i < 3; i++) await insertTask(tx, { id: `db-${i}`, createdAt: i });
    await tx.run(sql`UPDATE tasks SET resources = '{"db":1}'`);
    await tx.run(sql`INSERT INTO resource_limits (name, "limit", updated_at) VALUES ('db', 2, 0)`);
  });
  const takers = [claim("a", { pins: [""] }), claim("b", { pins: ["", "x"] })];
  const got = await db.tx((tx) => claimTasksForMany(tx, { now: 1_000, ttlMs: 500, takers }));
  assert.equal(got.flat().length, 2);
});

Deno.test("claimTasks() reads past tasks waiting for a resource, so they do not hide the rest", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (let i = 0; i < 5; i++) await insertTask(tx, { id: `db-${i}`, priority: 5, createdAt: i });
    await tx.run(sql`UPDATE tasks SET resources = '{"db":1}'`);
    await insertTask(tx, { id: "free", priority: 0 });
  });
  const got = await db.tx((tx) => claimTasks(tx, claim("w", { limit: 2 })));
  assert.deepEqual(got.map((c) => c.id), ["db-0", "free"]);
});
