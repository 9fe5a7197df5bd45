import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { testDatabase } from "../ops/test_db.ts";
import { type Outcome, WriteBatcher } from "./write_batcher.ts";

Deno.test("WriteBatcher gathers the calls made before the queue reaches them, and answers each", async () => {
  await using db = await testDatabase();
  const batches: number[][] = [];
  const batcher = new WriteBatcher<number, number>(db.queue, async (tx, items) => {
    batches.push(items);
    await tx.run(sql`SELECT 1`);
    return items.map((n): Outcome<number> =>
      n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, result: n * 10 }
    );
  });
  const first = [batcher.add(1), batcher.add(-2), batcher.add(3)];
  assert.deepEqual(
    await Promise.allSettled(first).then((r) =>
      r.map((x) => x.status === "fulfilled" ? x.value : (x.reason as Error).message)
    ),
    [10, "bad -2", 30],
    "one bad item fails alone",
  );
  assert.equal(await batcher.add(4), 40);
  assert.deepEqual(batches, [[1, -2, 3], [4]]);
});

Deno.test("WriteBatcher rejects every call of a batch whose write fails", async () => {
  await using db = await testDatabase();
  const batcher = new WriteBatcher<number, number>(db.queue, () => {
    throw new Error("the disk is full");
  });
  const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.equal(
    await new WriteBatcher<number, number>(
      db.queue,
      (_tx, items) => Promise.resolve(items.map((n) => ({ ok: true as const, result: n }))),
    ).add(7),
    7,
    "the queue goes on",
  );
});
