import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { defineTask } from "../../shared/task.ts";
import { insertTask } from "../ops/test_db.ts";
import { testApp } from "../test_app.ts";
import { queueDepth } from "./queue_depth.ts";

/** Far enough ahead for the hub's own clock (the API's) to be before it. */
const LATER = Date.UTC(2100, 0, 1);
const F = defineTask({ family: "F", params: z.object({}), run: async () => {} });

Deno.test("the queue shows a resource at its limit and a disabled family as reasons, one row per queue", async () => {
  // The test app's worker runs F and is connected: only the holds starve tasks.
  await using t = await testApp([F]);
  await t.core.queue.write(async (tx) => {
    await insertTask(tx, { id: "free" });
    await insertTask(tx, { id: "db1" });
    await insertTask(tx, { id: "db2" });
    await insertTask(tx, { id: "held", state: "leased" });
    await tx.run(sql`UPDATE tasks SET resources = '{"db":2}' WHERE id IN ('db1', 'db2', 'held')`);
    await tx.run(sql`INSERT INTO resource_limits (name, "limit", updated_at) VALUES ('db', 3, 0)`);
  });
  const depth = await t.core.read((db) => queueDepth(db, 0));
  assert.deepEqual(depth.regions, [{ region: "any", ready: 3 }]);
  assert.equal(depth.queues.length, 1, "tasks holding different resources share their queue's row");
  assert.equal(depth.queues[0]!.ready, 3);
  assert.equal(
    depth.queues[0]!.unschedulable,
    "resource db is at its limit (2 of 3 in use, it needs 2)",
  );

  await t.core.queue.write((tx) =>
    tx.run(sql`UPDATE families SET disabled_until = ${LATER} WHERE name = 'F'`)
  );
  const res = await t.app.request("/api/queue");
  assert.equal(res.status, 200);
  const body = await res.json() as { queues: Array<{ unschedulable: string | null }> };
  assert.match(String(body.queues[0]?.unschedulable), /^family F version 1 is disabled/);
  const before = await t.core.read((db) => queueDepth(db, LATER));
  assert.match(String(before.queues[0]?.unschedulable), /resource db/, "once the time has passed");
});
